package dev.ringleader.demo.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;

/**
 * One seeded chaos run, end to end: ZooKeeper and N nodes from the demo jar behind fault proxies;
 * clients rewarding players through random nodes; one fault at a time from the seed's schedule, each
 * healed and settled, until the fault time is used up; then heal everything, wait for the cluster to
 * settle, retry every unacknowledged reward with its key, and check (see {@link ChaosChecks}). Every
 * process is stopped by PID at the end, whatever happened. Bounded: set-up 2 min, each fault its
 * duration plus 1 min to settle, the final settle 2 min, the final retries 3 min, the checks 1 min.
 */
public final class ChaosRun {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration FINAL_SETTLE = Duration.ofSeconds(120);
  private static final Duration FINAL_RETRIES = Duration.ofSeconds(180);
  private static final Duration FINAL_RETRY_PER_REWARD = Duration.ofSeconds(30);

  private final ChaosOptions options;

  public ChaosRun(ChaosOptions options) {
    this.options = options;
  }

  public ChaosReport run() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    long seed = options.seed();
    String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
        + ProcessHandle.current().pid();
    Path logs = options.logRoot().resolve(Long.toString(seed)).resolve(runId).toAbsolutePath();
    Files.createDirectories(logs);
    String clusterName = "chaos-" + Long.toUnsignedString(seed, 36) + "-" + ProcessHandle.current().pid();
    ChaosReport report = new ChaosReport(seed);
    say("seed " + seed + ": " + options.nodes() + " nodes, R=" + ChaosOptions.REPLICATION + ", min-nodes "
        + ChaosOptions.MIN_NODES + ", session " + options.sessionTimeout().toMillis() + " ms, available; "
        + options.players() + " players, " + options.clients() + " clients; faults for "
        + options.faultTime().toSeconds() + " s; cluster " + clusterName + "; logs in " + logs);
    NodeHttp http = new NodeHttp();
    RewardLedger ledger = new RewardLedger(options.players(), "s" + Long.toUnsignedString(seed, 36) + "-" + runId);
    try (ChaosCluster cluster = new ChaosCluster(options, logs, clusterName)) {
      ClusterProbe probe = new ClusterProbe(cluster, http);
      cluster.startZooKeeper(Duration.ofSeconds(30));
      for (String node : cluster.nodes()) {
        cluster.start(node);
      }
      String notUp = probe.awaitSettled(START_TIMEOUT);
      if (notUp != null) {
        report.line("chaos summary: seed " + seed + ": the cluster did not come up within "
            + START_TIMEOUT.toSeconds() + " s: " + notUp + " (logs in " + logs + ")");
        report.check(new Check("cluster up", false, notUp, List.of()));
        return report;
      }
      say(String.format("cluster up after %.1f s", (System.nanoTime() - t0) / 1e9));

      long faultsStart = System.nanoTime();
      RewardSender sender = new RewardSender(cluster, http, ledger, faultsStart);
      ClientPool clients = new ClientPool(options, ledger, sender);
      FaultInjector injector = new FaultInjector(cluster, probe, faultsStart);
      FaultSchedule schedule = new FaultSchedule(seed, cluster.nodes(), options.sessionTimeout());
      clients.start();
      Thread.sleep(2_000); // a little load before the first fault
      long faultsEnd = faultsStart + options.faultTime().toNanos();
      do {
        injector.apply(schedule.next());
        say("rewards sent " + sender.rewardsSent.get() + ", acknowledged " + sender.rewardsAcked.get()
            + ", unknown now " + ledger.unknownCount());
      } while (System.nanoTime() < faultsEnd);
      clients.stop(RewardSender.ATTEMPT_TIMEOUT.plusSeconds(5));
      long clientsStopped = System.nanoTime();
      long ackedDuringFaults = sender.rewardsAcked.get();
      int unknownBefore = ledger.unknownCount();

      cluster.healAll();
      for (String node : cluster.nodes()) {
        if (!cluster.isUp(node)) {
          cluster.start(node);
        }
      }
      String unsettled = probe.awaitSettled(FINAL_SETTLE);
      long settledAt = System.nanoTime();
      say(unsettled == null ? String.format("settled %.1f s after the clients stopped", (settledAt - clientsStopped)
          / 1e9) : "NOT settled within " + FINAL_SETTLE.toSeconds() + " s: " + unsettled);
      retryUnknown(sender, ledger);
      int unknownAfter = ledger.unknownCount();
      say("final retries: " + unknownBefore + " unknown rewards before, " + unknownAfter + " after");

      ChaosChecks checks = new ChaosChecks(options, cluster, http, ledger);
      Check settle = new Check("settled after the heal", unsettled == null, unsettled == null
          ? String.format("every node up and serving, ring of %d at one epoch, nothing detached or awaiting "
              + "merge, %.1f s after the clients stopped", options.nodes(), (settledAt - clientsStopped) / 1e9)
          : "after " + FINAL_SETTLE.toSeconds() + " s: " + unsettled, List.of());
      Check agree = checks.readsAgree();
      Check bounds = checks.scoresWithinBounds();
      Check placement = checks.onePlacementPerPlayer();

      report.line("");
      report.line("chaos summary: seed " + seed + ", " + options.nodes() + " nodes, faults for "
          + options.faultTime().toSeconds() + " s, run took " + (System.nanoTime() - t0) / 1_000_000_000 + " s");
      report.line("  logs: " + logs);
      List<FaultInjector.Applied> applied = injector.applied();
      report.line("  faults applied: " + applied.size() + " (times since the clients started)");
      applied.forEach(a -> report.line("    " + a));
      report.line("  rewards: sent " + sender.rewardsSent.get() + ", acknowledged " + ackedDuringFaults
          + " during the faults + " + (sender.rewardsAcked.get() - ackedDuringFaults) + " by the final retries, "
          + "retried (more than one attempt) " + sender.rewardsRetried.get() + ", unknown " + unknownBefore
          + " before the final retries and " + unknownAfter + " after");
      report.line("  requests: " + sender.attempts.get() + " attempts; by outcome " + sender.outcomes());
      report.line("  checks:");
      report.check(settle);
      report.check(agree);
      report.check(bounds);
      report.check(placement);
      if (!checks.suspects.isEmpty()) {
        report.line("  evidence (players a check found wrong; grep " + logs + " for the ID for more):");
        for (int p : checks.suspects) {
          Evidence.of(p, options, cluster, http, ledger, checks, logs).forEach(l -> report.line("    " + l));
        }
      }
      report.line("  RESULT: " + (report.passed() ? "PASS" : "FAIL " + report.failures()) + " (seed " + seed
          + "; replay: demo/chaos.sh --seed " + seed + " --seconds " + options.faultTime().toSeconds()
          + (options.names().equals("ring") ? " --names ring" : "")
          + (options.durability().equals("memory") ? "" : " --durability " + options.durability()) + ")");
      return report;
    }
  }

  /** The first {@code count} faults the seed applies (the schedule does not depend on timing). */
  public static List<String> plan(ChaosOptions options, int count) {
    List<String> nodes = new java.util.ArrayList<>();
    for (int i = 1; i <= options.nodes(); i++) {
      nodes.add(options.node(i));
    }
    FaultSchedule schedule = new FaultSchedule(options.seed(), nodes, options.sessionTimeout());
    List<String> out = new java.util.ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add("#" + i + " " + schedule.next());
    }
    return out;
  }

  /** Every reward still unknown, oldest first per player, retried with its key until acknowledged (bounded). */
  private void retryUnknown(RewardSender sender, RewardLedger ledger) throws InterruptedException {
    Random random = new Random(options.seed() ^ 0x5DEECE66DL);
    long deadline = System.nanoTime() + FINAL_RETRIES.toNanos();
    for (int p = 0; p < ledger.players(); p++) {
      for (Reward r : ledger.unknown(p)) {
        long until = Math.min(deadline, System.nanoTime() + FINAL_RETRY_PER_REWARD.toNanos());
        if (System.nanoTime() >= until) {
          return;
        }
        sender.send(r, options.player(p), until, random, () -> false);
      }
    }
  }

  private static void say(String s) {
    System.out.println("chaos: " + s);
  }
}
