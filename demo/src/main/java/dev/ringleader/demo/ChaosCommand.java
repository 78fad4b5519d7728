package dev.ringleader.demo;

import dev.ringleader.demo.chaos.ChaosOptions;
import dev.ringleader.demo.chaos.ChaosReport;
import dev.ringleader.demo.chaos.ChaosRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code chaos [--seed N] [--seconds 60] [--log-dir target/chaos-logs]}: the fault suite (README,
 * "Fault suite"). Starts its own ZooKeeper and five nodes from this jar on free ports, applies the
 * seed's faults one at a time under client load, heals, checks, prints the summary. Exit status 0 when
 * every check held, 1 when one failed, 2 on bad arguments.
 */
final class ChaosCommand {
  private ChaosCommand() {}

  static int run(String[] args) throws Exception {
    Flags f;
    try {
      f = new Flags(args);
    } catch (IllegalArgumentException e) {
      System.err.println("chaos: " + e.getMessage());
      return 2;
    }
    if (f.has("help")) {
      System.out.println("""
          chaos [--seed N] [--seconds 60] [--log-dir target/chaos-logs] [--jar <demo jar>]
                [--nodes 5] [--players 40] [--clients 5] [--durability memory|disk|disk-fsync]
                [--names zookeeper|ring] [--plan 10]
          One seeded run of the fault suite: ZooKeeper and the nodes from the jar behind fault proxies,
          one fault at a time (kill -9 + restart, SIGSTOP/SIGCONT, cut from ZooKeeper, cut from the peers,
          graceful restart) for --seconds, then heal, retry every unacknowledged reward, check.
          No --seed: a random one (printed). Logs: <log-dir>/<seed>/<run>/. Exit 0 pass, 1 fail.
          --plan K: print the seed's first K faults and exit (the sequence does not depend on timing).""");
      return 0;
    }
    long seed;
    ChaosOptions options;
    try {
      seed = f.has("seed") ? Long.parseLong(f.get("seed", "0")) : Math.floorMod(System.nanoTime(), 1_000_000L);
      Path jar = Path.of(f.get("jar", ownJar()));
      if (!Files.isRegularFile(jar)) {
        System.err.println("chaos: no demo jar at " + jar + " (mvn package first, or --jar)");
        return 2;
      }
      ChaosOptions standard = ChaosOptions.standard(seed, Duration.ofSeconds(f.integer("seconds", 60)), jar,
          Path.of(f.get("log-dir", "target/chaos-logs")));
      options = new ChaosOptions(seed, standard.faultTime(), jar, standard.logRoot(),
          f.integer("nodes", standard.nodes()), f.integer("players", standard.players()),
          f.integer("clients", standard.clients()), standard.sessionTimeout(), standard.rewardDeadline(),
          f.get("durability", "memory"), f.get("names", "zookeeper"));
    } catch (IllegalArgumentException e) {
      System.err.println("chaos: " + e.getMessage());
      return 2;
    }
    System.out.println("chaos: seed " + seed + " (names " + options.names() + ", durability " + options.durability()
        + ")");
    if (f.has("plan")) {
      ChaosRun.plan(options, f.integer("plan", 10)).forEach(System.out::println);
      return 0;
    }
    ChaosReport report = new ChaosRun(options).run();
    System.out.println(report.text());
    return report.passed() ? 0 : 1;
  }

  private static String ownJar() {
    try {
      return Path.of(ChaosCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      return "demo/target/ringleader-demo.jar";
    }
  }
}
