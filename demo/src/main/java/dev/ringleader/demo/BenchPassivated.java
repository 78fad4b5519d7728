package dev.ringleader.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Issue 14's bounded heap: a trio with {@code --durability disk} (default {@code state-cache}),
 * players that idle out after 3 s; {@code --passivated-states} new players each get one write
 * through node1, every worker passivates, and each node's heap after a full GC is compared with its
 * heap before (the bound: 64 MB above an empty node). Then a sample of the players is read
 * back (each activation reads its state from disk) to show the states are there, not just gone.
 */
final class BenchPassivated {
  /** The bound on each node's heap growth, after a full GC. */
  static final long BOUND_BYTES = 64L << 20;
  private static final Pattern IN_HEAP = Pattern.compile("(?m)^ringleader_states_in_heap(?:\\{[^}]*})? ([0-9.eE+]+)");
  private static final int SAMPLE = 2_000;

  private final BenchOptions o;
  private final BenchCluster cluster;
  private final BenchHttp http;
  private final BenchReport report;
  private final BenchWrk wrk;
  private final BenchProbe probe;
  private final String run;
  private final Consumer<String> log;
  /** The first read-back answer that was not a score of 1, for the report. */
  private String firstOther;

  BenchPassivated(BenchOptions o, BenchCluster cluster, BenchHttp http, BenchReport report, BenchWrk wrk,
      BenchProbe probe, String run, Consumer<String> log) {
    this.o = o;
    this.cluster = cluster;
    this.http = http;
    this.report = report;
    this.wrk = wrk;
    this.probe = probe;
    this.run = run;
    this.log = log;
  }

  void run() throws Exception {
    int n = BenchCluster.NODES;
    Path data = o.runDir().resolve("data-passivated-" + run);
    log.accept("passivated: restarting nodes 1-3 with --durability disk (data in " + data + "), players idle out "
        + "after 3 s");
    cluster.stopNodes();
    cluster.startNodes(List.of("--durability", "disk", "--data-dir", data.resolve("{node}").toString(),
        "--type.player.idle-timeout-ms", "3000"));
    long[] heapBefore = new long[n + 1];
    long[] heapAfter = new long[n + 1];
    long[] cachedAfter = new long[n + 1];
    for (int i = 1; i <= n; i++) {
      heapBefore[i] = probe.heapUsedAfterGc(cluster.pid(i));
    }
    String prefix = "pas-" + run + "-";
    log.accept("  writing " + o.passivatedStates() + " new players (one POST each through node1, at most "
        + o.passivatedMaxS() + " s)");
    BenchWrk.Result r = wrk.run("passivated-create", cluster.url(1), o.passivatedMaxS(), o.passivatedStates(), "fresh",
        "POST", BenchWorkloads.PLAYER, prefix);
    long written = r.requests() - r.statusErrors();
    log.accept(String.format(Locale.ROOT, "  wrote %,d in %.1f s (%,.0f/s), %d errors; waiting for every worker to "
        + "passivate", written, r.durationUs() / 1e6, r.okPerSecond(), r.errors()));
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (liveOnAll() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("workers still live 120 s after the writes: " + liveOnAll());
      }
      Thread.sleep(500); // bench pacing between polls of a condition with a deadline
    }
    for (int i = 1; i <= n; i++) {
      heapAfter[i] = probe.heapUsedAfterGc(cluster.pid(i));
      cachedAfter[i] = inHeap(cluster.url(i));
    }
    Path histogram = o.runDir().resolve("histogram-passivated-node1.txt");
    probe.classHistogram(cluster.pid(1), histogram); // where the heap went, for whoever reads the figures
    long[] disk = new long[n + 1];
    for (int i = 1; i <= n; i++) {
      disk[i] = bytesUnder(data.resolve("node" + i));
    }
    int[] readBack = readBack(prefix, r);

    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "### Passivated states (issue 14): %,d players written once each through "
        + "node1 with `--durability disk`, every worker passivated, then a full GC on each node%n%n", written));
    s.append(String.format(Locale.ROOT, "written in %.1f s (%,.0f/s), %d errors (`demo/bench.sh --only passivated "
        + "--passivated-states %d`)%n%n", r.durationUs() / 1e6, r.okPerSecond(), r.errors(), o.passivatedStates()));
    s.append("| node | heap before (after full GC) | after | growth | bound (64 MB) | states in heap after | store on "
        + "disk |\n| --- | ---: | ---: | ---: | --- | ---: | ---: |\n");
    for (int i = 1; i <= n; i++) {
      long growth = heapAfter[i] - heapBefore[i];
      s.append(String.format(Locale.ROOT, "| node%d | %.1f MB | %.1f MB | %.1f MB | %s | %,d | %.1f MB |%n", i,
          mb(heapBefore[i]), mb(heapAfter[i]), mb(growth), growth < BOUND_BYTES ? "met" : "missed", cachedAfter[i],
          mb(disk[i])));
    }
    s.append(String.format(Locale.ROOT, "%nread back: %,d of %,d sampled players answered with their score of 1 "
        + "(each an activation that read its state from disk), %,d other answers", readBack[0], readBack[1],
        readBack[1] - readBack[0]));
    s.append("; node1's heap by class after the run: ").append(o.runDir().relativize(histogram));
    if (firstOther != null) {
      s.append(String.format(Locale.ROOT, " (the first: `%s`)", firstOther.length() > 300
          ? firstOther.substring(0, 300) + "…" : firstOther));
    }
    report.section(s.toString());
  }

  /** GETs a sample of the written players; returns {players with score 1, sampled}. */
  private int[] readBack(String prefix, BenchWrk.Result r) throws Exception {
    // The fresh script names its ids prefix1..prefixN in order; the last connections' worth may not
    // have been answered when wrk stopped, so the sample stays below them. A failed write is counted
    // as an "other answer", never hidden.
    long upTo = Math.max(1, r.requests() - o.connections());
    Random random = new Random(42);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < Math.min(SAMPLE, upTo); i++) {
      ids.add(prefix + (1 + (long) (random.nextDouble() * upTo)));
    }
    AtomicInteger ok = new AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<String> other = new java.util.concurrent.atomic.AtomicReference<>();
    BenchWorkloads.parallel(ids, id -> {
      BenchHttp.Reply a = http.get(cluster.url(1 + Math.floorMod(id.hashCode(), BenchCluster.NODES))
          + BenchWorkloads.PLAYER + id, Duration.ofSeconds(10));
      if (a.ok() && a.json().path("state").path("score").asLong(-1) == 1) {
        ok.incrementAndGet();
      } else {
        other.compareAndSet(null, id + ": " + a.status() + " " + a.body());
      }
    });
    firstOther = other.get();
    return new int[] {ok.get(), ids.size()};
  }

  private long liveOnAll() {
    long live = 0;
    for (int i = 1; i <= BenchCluster.NODES; i++) {
      live += probe.liveWorkers(cluster.url(i));
    }
    return live;
  }

  private long inHeap(String nodeUrl) {
    BenchHttp.Reply r = http.get(nodeUrl + "/metrics", Duration.ofSeconds(5));
    Matcher m = IN_HEAP.matcher(r.body());
    return r.ok() && m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  private static long bytesUnder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0; // compacted away meanwhile
        }
      }).sum();
    }
  }

  private static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
