package dev.ringleader.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The settings of one {@code bench} run, read once from the command line. Every load is bounded by
 * a duration and a request cap; ports, cluster name and data directory keep clear of the demo's.
 */
record BenchOptions(
    int durationS,
    int hotIds,
    int cacheIds,
    int memoryWorkers,
    int memoryMaxS,
    int passivatedStates,
    int passivatedMaxS,
    int rollingLoadS,
    int connections,
    int zkPort,
    int nodePort,
    int baselinePort,
    String cluster,
    int sessionTimeoutMs,
    String heap,
    String java,
    Path jar,
    Path scripts,
    Path runDir,
    Path zkDir,
    Set<String> workloads) {

  /**
   * Every workload, in the order a run does them. memory and local run on a second, freshly started
   * trio (started with --ack local when local runs), memory first; durability on a third and fourth
   * (--durability disk, then disk-fsync, each node with a data dir of its own under the run dir);
   * passivated on a fifth (--durability disk, players idle out after 3 s); ring (request and cold
   * again) on a sixth, started with --names ring.
   */
  static final List<String> ALL = List.of("baseline", "hot", "writes", "request", "cold", "failover", "rolling",
      "memory", "local", "durability", "passivated", "ring");

  static final String USAGE = """
      bench [--duration-s 10] [--only hot,writes,...] [settings below]
        Starts ZooKeeper, three nodes and a plain Undertow baseline, runs every workload with wrk (-t1
        -c32) through node 1, prints one markdown table row per workload with the ratio to the
        baseline measured in the same run, then failover, rolling restart and memory results.
        Stops every process it started (by PID), also on failure or Ctrl-C.

        --duration-s 10        seconds of load per workload (wrk -d)
        --only <list>          workloads to run, comma-separated, from:
                               baseline,hot,writes,request,cold,failover,rolling,memory,local,durability,
                               passivated,ring (request and cold again, nodes started with --names ring)
                               (the baseline always runs)
        --ids 10000            live player ids for hot reads and writes
        --cache-ids 10000      ids for request(id) over the cache type (5 s workers)
        --memory-workers 100000  workers created for the memory figure
        --memory-max-s 110     time cap for creating them (player workers idle out after 2 minutes)
        --passivated-states 200000  player states written then passivated for the bounded-heap figure
                               (issue 14 names 1000000: about 8 minutes here)
        --passivated-max-s 900 time cap for writing them
        --rolling-load-s 60    seconds of load while nodes 1, 2, 3 restart one after another
        --connections 32       wrk connections (always one wrk thread)
        --zk-port 2281 --node-port 8181 (nodes on 8181-8183) --baseline-port 8180 --cluster bench
        --session-timeout-ms 4000 (as the demo scripts)   --heap 512m (-Xmx of nodes and baseline)
        --scripts <dir>        the wrk scripts (default: demo/bench beside the jar's target/)
        --run-dir <dir>        logs and id files (default: demo/run/bench)""";

  static BenchOptions from(Flags f) {
    Path jar = jarPath();
    Path demo = jar.getParent() != null && jar.getParent().getParent() != null
        ? jar.getParent().getParent() : Path.of("demo");
    Set<String> workloads = new LinkedHashSet<>();
    String only = f.get("only", String.join(",", ALL));
    for (String w : only.split(",")) {
      String name = w.trim();
      if (!ALL.contains(name)) {
        throw new IllegalArgumentException("--only: unknown workload '" + name + "'; known: " + String.join(",", ALL));
      }
      workloads.add(name);
    }
    workloads.add("baseline");
    int durationS = f.integer("duration-s", 10);
    if (durationS < 1 || durationS > 600) {
      throw new IllegalArgumentException("--duration-s must be 1-600, not " + durationS);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    Path runDir = Path.of(f.get("run-dir", demo.resolve("run").resolve("bench").toString())).toAbsolutePath();
    return new BenchOptions(
        durationS,
        positive(f, "ids", 10_000),
        positive(f, "cache-ids", 10_000),
        positive(f, "memory-workers", 100_000),
        positive(f, "memory-max-s", 110),
        positive(f, "passivated-states", 200_000),
        positive(f, "passivated-max-s", 900),
        positive(f, "rolling-load-s", 60),
        positive(f, "connections", 32),
        positive(f, "zk-port", 2281),
        positive(f, "node-port", 8181),
        positive(f, "baseline-port", 8180),
        f.get("cluster", "bench"),
        positive(f, "session-timeout-ms", 4000),
        f.get("heap", "512m"),
        java,
        jar,
        Path.of(f.get("scripts", demo.resolve("bench").toString())).toAbsolutePath(),
        runDir,
        demo.resolve("data").resolve("bench-zk").toAbsolutePath(),
        Set.copyOf(workloads));
  }

  /** The same options with child processes started from {@code copy} (a snapshot of the jar). */
  BenchOptions withJar(Path copy) {
    return new BenchOptions(durationS, hotIds, cacheIds, memoryWorkers, memoryMaxS, passivatedStates, passivatedMaxS,
        rollingLoadS, connections, zkPort,
        nodePort, baselinePort, cluster, sessionTimeoutMs, heap, java, copy, scripts, runDir, zkDir, workloads);
  }

  boolean runs(String workload) {
    return workloads.contains(workload);
  }

  /** The wrk script; checked before anything starts. */
  Path script() {
    Path s = scripts.resolve("workload.lua");
    if (!Files.isRegularFile(s)) {
      throw new IllegalArgumentException("no wrk script at " + s + " (set --scripts <demo/bench>)");
    }
    return s;
  }

  /** Where jcmd lives: beside the java that runs the bench, else on the PATH. */
  String jcmd() {
    Path j = Path.of(java).resolveSibling("jcmd");
    return Files.isExecutable(j) ? j.toString() : "jcmd";
  }

  private static int positive(Flags f, String name, int def) {
    int v = f.integer(name, def);
    if (v < 1) {
      throw new IllegalArgumentException("--" + name + " must be positive, not " + v);
    }
    return v;
  }

  private static Path jarPath() {
    try {
      return Path.of(BenchOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
    } catch (Exception e) {
      return Path.of("demo/target/ringleader-demo.jar").toAbsolutePath();
    }
  }
}
