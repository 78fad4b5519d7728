package dev.ringleader.demo;

import dev.ringleader.demo.chaos.RegistryReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Issue 15's naming figures: after request(id) with ZooKeeper naming, that no cache worker's name
 * leaked; then a trio started with {@code --names ring} runs request(id) and cold activations again
 * (same ids count, new ids), and ZooKeeper must hold no name at all.
 */
final class BenchNaming {
  private final BenchOptions o;
  private final BenchCluster cluster;
  private final BenchReport report;
  private final BenchWrk wrk;
  private final String run;
  private final Consumer<String> log;
  private final Row row;

  BenchNaming(BenchOptions o, BenchCluster cluster, BenchReport report, BenchWrk wrk, String run,
      Consumer<String> log, Row row) {
    this.row = row;
    this.o = o;
    this.cluster = cluster;
    this.report = report;
    this.wrk = wrk;
    this.run = run;
    this.log = log;
  }

  /**
   * After request(id): every cache worker lives 5 s, so within 30 s ZooKeeper must hold no cache name
   * (none leaked by a lost release); polled every 500 ms, reported as a line.
   */
  void namesLeft() throws Exception {
    long start = System.nanoTime();
    int atEnd = cacheNames();
    int left = atEnd;
    while (left > 0 && System.nanoTime() - start < Duration.ofSeconds(30).toNanos()) {
      Thread.sleep(500); // a bounded poll of a count in another process
      left = cacheNames();
    }
    report.section(String.format(Locale.ROOT, "- cache names in ZooKeeper right after request(id): %,d; %s", atEnd,
        left == 0 ? String.format(Locale.ROOT, "none %.1f s later (every ended worker's name released)",
            BenchWorkloads.seconds(start)) : String.format(Locale.ROOT, "%,d still there 30 s later: LEAKED", left)));
  }

  /** The ring-naming trio: request(id) over the cache ids and cold activations, then no name znode. */
  void ring() throws Exception {
    log.accept("ring naming: restarting nodes 1-3 with --names ring (same ports, same ring)");
    cluster.stopNodes();
    cluster.startNodes(List.of("--names", "ring"));
    warmUp("request", "pick", "GET", "/request/", ids("cache-ring-warm", "cache-ring-warm-" + run + "-",
        o.cacheIds()).toString());
    Path cache = ids("cache-ring", "cache-ring-" + run + "-", o.cacheIds());
    String request = "request(id), cache type, " + o.cacheIds() + " ids, --names ring";
    row.measure(request, "request-ring", "pick", "GET", "/request/", cache.toString(), 0.25);
    warmUp("cold", "fresh", "POST", BenchWorkloads.PLAYER, "cold-ring-warm-" + run + "-");
    row.measure("cold activations (new player id per POST), --names ring", "cold-ring", "fresh", "POST",
        BenchWorkloads.PLAYER, "cold-ring-" + run + "-", Double.NaN);
    int names = cacheNames();
    report.section(String.format(Locale.ROOT, "- --names ring: cache names in ZooKeeper after its request(id): %,d%s",
        names, names == 0 ? " (none: the owners hold them in memory)" : ": WRONG, this mode writes none"));
  }

  /**
   * {@link #WARM_UP_S} s of the same workload on other ids, not reported: the JIT compiles the
   * activation path first (without it, a profile of a fresh trio showed half of node1's CPU in the C2
   * compiler during the measured run; after 10 s, still a third).
   */
  void warmUp(String what, String mode, String method, String prefix, String ids) throws Exception {
    log.accept(what + ": " + WARM_UP_S + " s warm-up on other ids");
    wrk.run(what + "-warmup", cluster.url(1), WARM_UP_S, 100_000L * WARM_UP_S, mode, method, prefix, ids);
  }

  static final int WARM_UP_S = 30;

  /** A measured row through node1, over ids on all three nodes (BenchWorkloads' own). */
  interface Row {
    void measure(String name, String file, String mode, String method, String prefix, String ids, double target);
  }

  private int cacheNames() throws IOException, InterruptedException {
    return RegistryReader.count("127.0.0.1:" + o.zkPort(), o.cluster(), "cache");
  }

  private Path ids(String name, String prefix, int n) throws IOException {
    return BenchWorkloads.writeIds(o.runDir(), name, prefix, n);
  }
}
