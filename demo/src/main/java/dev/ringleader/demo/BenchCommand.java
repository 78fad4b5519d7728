package dev.ringleader.demo;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * {@code bench}: the benchmark (docs/benchmarks.md). In one run on one machine it starts an embedded
 * ZooKeeper, three nodes and a plain Undertow baseline as separate processes, runs each workload with
 * wrk or the {@code load} command, and prints a markdown table with the ratio of every workload to
 * the baseline measured in the same run. Every process it starts is stopped by PID at the end, also
 * when a step fails or the bench is interrupted. {@code bench baseline --port N} is the baseline
 * server itself.
 */
final class BenchCommand {
  private BenchCommand() {}

  static int run(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("baseline")) {
      return BaselineServer.run(Arrays.copyOfRange(args, 1, args.length));
    }
    BenchOptions o;
    try {
      Flags f = new Flags(args);
      if (f.has("help")) {
        System.out.println(BenchOptions.USAGE);
        return 0;
      }
      o = BenchOptions.from(f);
      o.script();
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(BenchOptions.USAGE);
      return 2;
    }
    if (!onPath("wrk")) {
      System.err.println("bench: wrk is not on the PATH (scripts/install-deps.sh installs Debian's wrk)");
      return 2;
    }
    if (!Files.isRegularFile(o.jar())) {
      System.err.println("bench: run it from the demo jar (java -jar demo/target/ringleader-demo.jar bench), not "
          + o.jar());
      return 2;
    }
    Files.createDirectories(o.runDir());
    for (String log : new String[] {"zk", "baseline", "node1", "node2", "node3"}) {
      Files.deleteIfExists(o.runDir().resolve(log + ".log")); // the logs of this run only
    }
    deletePreviousData(o.runDir()); // the stores of earlier runs' disk trios: this run makes its own
    // Child processes run a copy: a rebuild of demo/target during the bench must not change them.
    Path jar = o.runDir().resolve("ringleader-demo.jar");
    Files.copy(o.jar(), jar, StandardCopyOption.REPLACE_EXISTING);
    o = o.withJar(jar);
    BenchHttp http = new BenchHttp();
    BenchReport report = new BenchReport(System.out);
    String when = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf("Ringleader bench, %s, %d cores, wrk -t1 -c%d, %d s per workload%n%n", when, cores,
        o.connections(), o.durationS());
    try (BenchCluster cluster = new BenchCluster(o, http)) {
      new BenchWorkloads(o, cluster, http, report).run();
    } catch (Exception e) {
      System.err.println("bench: stopped: " + e.getMessage());
      report.printAll("## Results so far (the bench stopped early)");
      return 1;
    }
    report.printAll(String.format("## Results (%s, %d cores, wrk -t1 -c%d, %d s per workload)", when, cores,
        o.connections(), o.durationS()));
    return report.failed() ? 1 : 0;
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** Deletes the {@code data-*} directories earlier runs left in the run dir (only the bench's own). */
  private static void deletePreviousData(Path runDir) throws java.io.IOException {
    try (var dirs = Files.newDirectoryStream(runDir, "data-*")) {
      for (Path dir : dirs) {
        try (var files = Files.walk(dir)) {
          for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(f);
          }
        }
      }
    }
  }
}
