package dev.ringleader.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The workloads of one bench run, in order, against one {@link BenchCluster}. Every wrk workload
 * sends its requests to node 1; "spread" means the ids are owned by all three nodes (so node 1
 * forwards about 2/3 of them), "owner node" means every id is owned by node 1. A workload that fails
 * is reported as failed and the run goes on.
 */
final class BenchWorkloads {
  static final String PLAYER = "/workers/player/";

  private final BenchOptions o;
  private final BenchCluster cluster;
  private final BenchHttp http;
  private final BenchReport report;
  private final BenchWrk wrk;
  private final BenchProbe probe;
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  /** The names checks and the --names ring rows. */
  private final BenchNaming naming;
  private final long started = System.nanoTime();
  /** The hot ids' owners, looked up once on the first trio (the ring of node1-3 is the same on every trio). */
  private final Map<String, String> owners = new HashMap<>();
  private Path hotAll;
  private Path hotNode1;

  BenchWorkloads(BenchOptions o, BenchCluster cluster, BenchHttp http, BenchReport report) {
    this.o = o;
    this.cluster = cluster;
    this.http = http;
    this.report = report;
    this.wrk = new BenchWrk(o);
    this.probe = new BenchProbe(o, http);
    this.naming = new BenchNaming(o, cluster, report, wrk, run, this::log,
        (name, file, mode, method, prefix, ids, target) -> measure(name, SPREAD, file, mode, method, prefix, ids,
            target));
  }

  void run() throws Exception {
    cluster.checkPortsFree();
    log("starting ZooKeeper on " + o.zkPort() + ", the baseline on " + o.baselinePort() + ", nodes 1-3 on "
        + o.nodePort() + "-" + (o.nodePort() + 2) + " (cluster " + o.cluster() + ", logs in " + o.runDir() + ")");
    cluster.startZk();
    cluster.startBaseline();
    cluster.startNodes(List.of());
    hotAll = writeIds("hot-all", "hot-", o.hotIds());

    log("baseline: 2 s warm-up, then " + o.durationS() + " s");
    wrk.run("baseline-warmup", cluster.baselineUrl(), 2, cap(2), "pick", "GET", PLAYER, hotAll.toString());
    report.printHeader();
    report.baseline(wrk.run("baseline", cluster.baselineUrl(), o.durationS(), cap(o.durationS()), "pick", "GET",
        PLAYER, hotAll.toString()));

    boolean hot = o.runs("hot") || o.runs("writes") || o.runs("failover");
    if (hot) {
      createHotIds();
    }
    if (o.runs("hot")) {
      log("hot reads: 2 s warm-up");
      wrk.run("hot-warmup", cluster.url(1), 2, cap(2), "pick", "GET", PLAYER, hotAll.toString());
      measure("hot reads, owner node", "node1, owner of every id", "hot-owner", "pick", "GET", PLAYER, hotNode1, 0.6);
      measure("hot reads, spread", SPREAD, "hot-spread", "pick", "GET", PLAYER, hotAll, 0.35);
    }
    if (o.runs("writes")) {
      warmUpWrites();
      measure("writes ack=replicas (R=2), owner node", "node1, owner of every id", "writes-owner", "pick", "POST",
          PLAYER, hotNode1, Double.NaN);
      measure("writes ack=replicas (R=2), spread", SPREAD, "writes-spread", "pick", "POST",
          PLAYER, hotAll, 0.25);
    }
    if (o.runs("request")) {
      naming.warmUp("request", "pick", "GET", "/request/",
          writeIds("cache-warm", "cache-warm-" + run + "-", o.cacheIds()).toString());
      Path cache = writeIds("cache", "cache-" + run + "-", o.cacheIds());
      measure("request(id), cache type, " + o.cacheIds() + " ids", SPREAD, "request", "pick",
          "GET", "/request/", cache, 0.25);
      guard("names left", naming::namesLeft);
    }
    if (o.runs("cold")) {
      naming.warmUp("cold", "fresh", "POST", PLAYER, "cold-warm-" + run + "-");
      measureFresh("cold activations (new player id per POST)", "cold", "cold-" + run + "-");
    }
    if (o.runs("failover")) {
      guard("failover", () -> new BenchFailover(o, cluster, http, report, owners, run, this::log).run());
    }
    if (o.runs("rolling")) {
      guard("rolling restart", this::rollingRestart);
    }
    if (o.runs("memory") || o.runs("local")) {
      List<String> extra = o.runs("local") ? List.of("--ack", "local") : List.of();
      log("second trio: restarting nodes 1-3" + (extra.isEmpty() ? "" : " with --ack local")
          + " (same ports, same ring)");
      cluster.stopNodes();
      cluster.startNodes(extra);
    }
    if (o.runs("memory")) {
      guard("memory", this::memory);
    }
    if (o.runs("local")) {
      guard("writes ack=local", this::ackLocal);
    }
    if (o.runs("durability")) {
      for (String mode : List.of("disk", "disk-fsync")) {
        log("durability " + mode + ": restarting nodes 1-3 with --durability " + mode + " and a data dir each");
        cluster.stopNodes();
        cluster.startNodes(List.of("--durability", mode, "--data-dir",
            o.runDir().resolve("data-" + mode + "-" + run).resolve("{node}").toString()));
        guard("writes durability=" + mode, () -> durableWrites(mode));
      }
    }
    if (o.runs("passivated")) {
      guard("passivated", () -> new BenchPassivated(o, cluster, http, report, wrk, probe, run, this::log).run());
    }
    if (o.runs("ring")) {
      guard("ring naming", naming::ring);
    }
    log("done in " + elapsedS() + " s; stopping every process by PID");
  }

  // ---- setup

  private Path writeIds(String name, String prefix, int n) throws IOException {
    return writeIds(o.runDir(), name, prefix, n);
  }

  /** Writes ids prefix0..prefix(n-1), one a line, for the wrk script, to {@code dir/ids-<name>.txt}. */
  static Path writeIds(Path dir, String name, String prefix, int n) throws IOException {
    StringBuilder b = new StringBuilder(n * 12);
    for (int i = 0; i < n; i++) {
      b.append(prefix).append(i).append('\n');
    }
    Path file = dir.resolve("ids-" + name + ".txt");
    Files.writeString(file, b);
    return file;
  }

  /**
   * Activates every hot id with one GET each (through node 1: an activation without a state change,
   * about 3x faster here than a POST, which also replicates), then looks up owners for the node1 file.
   */
  private void createHotIds() throws Exception {
    log("creating " + o.hotIds() + " player workers (one GET each through node1)");
    BenchWrk.Result r = wrk.run("create-hot", cluster.url(1), Math.max(60, o.hotIds() / 100), o.hotIds(), "seq",
        "GET", PLAYER, hotAll.toString());
    log(String.format(Locale.ROOT, "  %d created in %.1f s (%,.0f/s), %d errors", r.requests() - r.statusErrors(),
        r.durationUs() / 1e6, r.okPerSecond(), r.errors()));
    if (owners.isEmpty()) {
      log("looking up the owner of every hot id (GET /cluster/owner/player/{id})");
      List<String> ids = Files.readAllLines(hotAll);
      Map<String, String> found = new ConcurrentHashMap<>();
      parallel(ids, id -> {
        BenchHttp.Reply a = http.get(cluster.url(1) + "/cluster/owner/player/" + id, Duration.ofSeconds(5));
        if (!a.ok()) {
          throw new IllegalStateException("GET /cluster/owner/player/" + id + ": " + a.status() + " " + a.body());
        }
        found.put(id, a.json().path("owner").asText());
      });
      owners.putAll(found);
      List<String> mine = ids.stream().filter(id -> "node1".equals(owners.get(id))).toList();
      hotNode1 = o.runDir().resolve("ids-hot-node1.txt");
      Files.write(hotNode1, mine);
      Map<String, Long> share = new java.util.TreeMap<>();
      owners.values().forEach(n -> share.merge(n, 1L, Long::sum));
      log("  owners: " + share);
    }
  }

  // ---- wrk workloads

  private void measure(String name, String to, String file, String mode, String method, String prefix, Path ids,
      double target) {
    measure(name, to, file, mode, method, prefix, ids.toString(), target);
  }

  /** One measured row through node1: {@code ids} a file of ids, or with mode fresh the prefix of new ones. */
  private void measure(String name, String to, String file, String mode, String method, String prefix, String ids,
      double target) {
    try {
      log(name + ": " + o.durationS() + " s");
      report.row(name, to, wrk.run(file, cluster.url(1), o.durationS(), cap(o.durationS()), mode, method, prefix,
          ids), target);
    } catch (Exception e) {
      report.failedRow(name, e);
    }
  }

  private void measureFresh(String name, String file, String idPrefix) {
    measure(name, SPREAD, file, "fresh", "POST", PLAYER, idPrefix, Double.NaN);
  }

  private static final String SPREAD = "node1, ids on all 3 nodes";

  /** The request cap of a wrk run: 100,000 requests a second, far above what this machine serves. */
  private static long cap(int seconds) {
    return 100_000L * seconds;
  }

  /** 3 s of writes before the measured ones (not reported), so every write row meets a warm JIT. */
  private void warmUpWrites() throws Exception {
    // Long enough for the JIT to finish with the write path (a 3 s warm-up left the compiler threads
    // at a fifth of the nodes' CPU in the measured window).
    log("writes: 15 s warm-up");
    wrk.run("writes-warmup", cluster.url(1), 15, cap(15), "pick", "POST", PLAYER, hotAll.toString());
  }

  // ---- failover

  // ---- rolling restart

  private void rollingRestart() throws Exception {
    int loadS = o.rollingLoadS();
    log("rolling restart: load for " + loadS + " s over nodes 1-3; restart node1, node2, node3 from 4 s");
    long loadStart = System.nanoTime();
    BenchLoad load = BenchLoad.start(o, "rolling", cluster.urls(), 200, loadS, "rr-" + run);
    Thread.sleep(4_000);
    List<String> steps = new ArrayList<>();
    for (int n = 1; n <= BenchCluster.NODES; n++) {
      long t0 = System.nanoTime();
      long stopMs = cluster.stopNode(n);
      cluster.startNode(n);
      cluster.awaitCluster(Duration.ofSeconds(60));
      steps.add(String.format(Locale.ROOT, "node%d exited %.1f s after SIGTERM, served again with 3 members %.1f s "
          + "after SIGTERM", n, stopMs / 1000.0, seconds(t0)));
      log("  " + steps.get(steps.size() - 1));
    }
    double restartsDone = seconds(loadStart);
    BenchLoad.Result r = load.await();
    StringBuilder s = new StringBuilder();
    s.append("### Rolling restart: SIGTERM, exit, start, /health 200 with 3 members; node1, node2, node3\n\n");
    for (String step : steps) {
      s.append("- ").append(step).append('\n');
    }
    s.append(String.format(Locale.ROOT, "- all three restarted %.1f s after the load started%s%n", restartsDone,
        restartsDone > loadS
            ? String.format(Locale.ROOT, " (the load had ended at %d s: raise --rolling-load-s)", loadS)
            : ""));
    s.append(loadLine(r, loadS)).append('\n');
    s.append(String.format(Locale.ROOT, "- failed requests: %d; longest pause any request saw (load max latency): "
        + "%.0f ms; lost acknowledged updates: %d", r.failed(), r.max(), r.lost()));
    report.section(s.toString());
  }

  static String loadLine(BenchLoad.Result r, int loadS) {
    return String.format(Locale.ROOT, "- load (%d s, 8 clients, 200 players, retries with Idempotency-Key): requests "
        + "%d, acknowledged %d, failed %d, retries %d; latency ms p50 %.1f, p99 %.1f, max %.1f", loadS, r.requests(),
        r.acknowledged(), r.failed(), r.retries(), r.p50(), r.p99(), r.max());
  }

  // ---- memory

  private void memory() throws Exception {
    int n = BenchCluster.NODES;
    long[] heapBefore = new long[n + 1];
    long[] heapAfter = new long[n + 1];
    long[] liveBefore = new long[n + 1];
    long[] liveAfter = new long[n + 1];
    long[] rssBefore = new long[n + 1];
    long[] rssAfter = new long[n + 1];
    log("memory: full GC and heap on nodes 1-3 (jcmd), then " + o.memoryWorkers() + " new player workers");
    for (int i = 1; i <= n; i++) {
      liveBefore[i] = probe.liveWorkers(cluster.url(i));
      heapBefore[i] = probe.heapUsedAfterGc(cluster.pid(i));
      rssBefore[i] = BenchProbe.rssBytes(cluster.pid(i));
    }
    BenchWrk.Result r = wrk.run("memory-create", cluster.url(1), o.memoryMaxS(), o.memoryWorkers(), "fresh", "GET",
        PLAYER, "mem-" + run + "-");
    long created = r.requests() - r.statusErrors();
    log(String.format(Locale.ROOT, "  created %d in %.1f s (%,.0f/s), %d errors", created, r.durationUs() / 1e6,
        r.okPerSecond(), r.errors()));
    for (int i = 1; i <= n; i++) {
      liveAfter[i] = probe.liveWorkers(cluster.url(i));
      heapAfter[i] = probe.heapUsedAfterGc(cluster.pid(i));
      rssAfter[i] = BenchProbe.rssBytes(cluster.pid(i));
    }
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "### Memory: %,d new player workers without state (one GET of a new id each "
        + "through node1: activated with the initial state, no write, so no replica copy), on a freshly started "
        + "trio%n%n", o.memoryWorkers()));
    s.append(String.format(Locale.ROOT, "created %,d in %.1f s (%,.0f/s), %d errors%n%n", created,
        r.durationUs() / 1e6, r.okPerSecond(), r.errors()));
    s.append("| node | live workers before | after | heap used before (after full GC) | after | heap per worker added "
        + "| RSS before | after |\n");
    s.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    long heapDelta = 0;
    long liveDelta = 0;
    for (int i = 1; i <= n; i++) {
      heapDelta += heapAfter[i] - heapBefore[i];
      liveDelta += liveAfter[i] - liveBefore[i];
      long added = liveAfter[i] - liveBefore[i];
      s.append(String.format(Locale.ROOT, "| node%d | %,d | %,d | %.1f MB | %.1f MB | %s | %.1f MB | %.1f MB |%n", i,
          liveBefore[i], liveAfter[i], mb(heapBefore[i]), mb(heapAfter[i]),
          added > 0 ? String.format(Locale.ROOT, "%.0f bytes", (double) (heapAfter[i] - heapBefore[i]) / added) : "-",
          mb(rssBefore[i]), mb(rssAfter[i])));
    }
    double perWorker = (double) heapDelta / o.memoryWorkers();
    s.append(String.format(Locale.ROOT, "%nper-worker overhead = (heap after - heap before, all nodes) / %,d = "
        + "%.1f MB / %,d = **%.0f bytes** (target < 1 KB: %s); per live worker added (%,d): %.0f bytes",
        o.memoryWorkers(), mb(heapDelta), o.memoryWorkers(), perWorker, perWorker < 1024 ? "met" : "missed",
        liveDelta, liveDelta > 0 ? (double) heapDelta / liveDelta : Double.NaN));
    report.section(s.toString());
  }

  private static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  // ---- ack=local

  /** The two write workloads on a trio with its states on disk (issue 14): compare with the first trio's. */
  private void durableWrites(String mode) throws Exception {
    createHotIds();
    warmUpWrites();
    measure("writes durability=" + mode + ", owner node", "node1, owner of every id", mode + "-owner", "pick", "POST",
        PLAYER, hotNode1, Double.NaN);
    measure("writes durability=" + mode + ", spread", SPREAD, mode + "-spread", "pick", "POST",
        PLAYER, hotAll, Double.NaN);
  }

  private void ackLocal() throws Exception {
    createHotIds();
    warmUpWrites();
    measure("writes ack=local, owner node", "node1, owner of every id", "local-owner", "pick", "POST", PLAYER,
        hotNode1, Double.NaN);
    measure("writes ack=local, spread", SPREAD, "local-spread", "pick", "POST", PLAYER, hotAll,
        Double.NaN);
  }

  // ---- helpers

  interface Step {
    void run() throws Exception;
  }

  interface IdTask {
    void run(String id) throws Exception;
  }

  private void guard(String name, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      report.failedSection(name, e);
    }
  }

  /** Runs {@code task} for every id on 16 threads; the first failure is rethrown. */
  static void parallel(List<String> ids, IdTask task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> futures = new ArrayList<>(ids.size());
      for (String id : ids) {
        futures.add(pool.submit(() -> {
          task.run(id);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause() instanceof Exception ex ? ex : e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  private long elapsedS() {
    return Math.round(seconds(started));
  }

  private void log(String message) {
    System.err.printf(Locale.ROOT, "bench [%3ds] %s%n", elapsedS(), message);
  }
}
