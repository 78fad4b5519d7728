package dev.ringleader.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, end to end with real processes on the default session timeout (10 s): after kill -9 of
 * the owner of busy IDs, of the leader, and of a node during a rolling restart, every probed ID
 * answers again with every acknowledged reward, and a node restarted after kill -9 serves again, long
 * before that session could have expired (docs/failover.md). The bounds asserted are half the
 * session timeout and less: reachable only through the fast path, yet far from this shared machine's
 * noise; the figures themselves (issue 13's targets: 1 s and 3 s) are printed here and measured in
 * {@code demo/bench.sh}'s failover phase.
 */
class FastFailoverIT {
  /** Without the fast path a crashed node's IDs wait for its 10 s session to expire. */
  static final double BOUND_S = 5.0;
  /** Without it a restarted node waits for its predecessor's 10 s session before it registers. */
  static final double RESTART_S = 6.0;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] FLAGS = {"--replication", "2", "--min-nodes", "2"};

  private static String leader(DemoProcesses demo, String via) throws Exception {
    return JSON.readTree(DemoProcesses.get(demo.url(via) + "/cluster")).path("leader").asText();
  }

  /** IDs of this run alone ({@code <run>-<i>}): a later phase never finds an earlier phase's scores. */
  private static List<String> idsOwnedBy(DemoProcesses demo, String via, String node, int n, String run)
      throws Exception {
    List<String> out = new ArrayList<>();
    for (int i = 0; out.size() < n && i < 5000; i++) {
      String id = run + "-" + i;
      String owner = JSON.readTree(DemoProcesses.get(demo.url(via) + "/cluster/owner/player/" + id)).path("owner").asText();
      if (owner.equals(node)) {
        out.add(id);
      }
    }
    return out;
  }

  private static void awaitAcknowledged(FailoverProbe probe, long n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (probe.acknowledgedRewards() < n) {
      assertTrue(System.nanoTime() < deadline, "only " + probe.acknowledgedRewards() + " rewards acknowledged");
      DemoProcesses.pause();
    }
  }

  /** Kills {@code victim} under load on its IDs; returns when every ID answered again and the scores check. */
  private static double killUnderLoad(DemoProcesses demo, String victim, Runnable beforeKill, String run)
      throws Exception {
    List<String> survivors = new ArrayList<>(demo.nodes.keySet());
    survivors.remove(victim);
    List<String> ids = idsOwnedBy(demo, survivors.get(0), victim, 20, run);
    List<String> entries = survivors.stream().map(demo::url).toList();
    try (FailoverProbe probe = new FailoverProbe(ids, entries, 4, run)) {
      awaitAcknowledged(probe, 100);
      beforeKill.run();
      long killedAt = System.nanoTime();
      demo.kill(victim);
      Map<String, Double> back = probe.awaitBack(killedAt, Duration.ofSeconds(30));
      long acked = probe.acknowledgedRewards();
      awaitAcknowledged(probe, acked + 100);
      probe.stop();
      assertEquals(ids.size(), back.size(), "every ID answered again: " + back);
      double last = back.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      double first = back.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      System.out.printf(Locale.ROOT, "failover %s: kill -9 %s: %d ids back after %.3f s (first %.3f s)%n", run, victim,
          ids.size(), last, first);
      assertEquals(0, probe.failed.get(), "no reward failed for good");
      assertEquals(List.of(), probe.mismatches(entries.get(0)), "every score is its acknowledged rewards");
      assertTrue(last < BOUND_S, "every ID of " + victim + " answered again within " + BOUND_S + " s: " + back);
      return last;
    }
  }

  /** Starts {@code node} again and returns the seconds from its process start until it is ready and in the ring. */
  private static double restart(DemoProcesses demo, String node) throws Exception {
    long start = System.nanoTime();
    demo.startNode(node, FLAGS);
    assertTrue(Poll.until(Duration.ofSeconds(60), Duration.ofMillis(20), () ->
        DemoProcesses.get(demo.url(node) + "/health/ready") != null
            && String.valueOf(DemoProcesses.get(demo.url(node) + "/cluster")).contains("\"node\":\"" + node + "\",\"weight\"")),
        node + " never served again; see " + demo.logs);
    double s = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "restart: %s ready and in the ring %.3f s after its process started%n", node, s);
    demo.awaitServing(3, Duration.ofSeconds(60));
    return s;
  }

  @Test
  void killedOwnersLeadersAndNodesInARollingRestartAreServedAgainWithinASecond() throws Exception {
    try (DemoProcesses demo = new DemoProcesses("fastfailover")) {
      demo.startZooKeeper();
      for (String id : new String[] {"node1", "node2", "node3"}) {
        demo.startNode(id, FLAGS);
      }
      demo.awaitServing(3, Duration.ofSeconds(60));

      String leader = leader(demo, "node1");
      String owner = List.of("node1", "node2", "node3").stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
      killUnderLoad(demo, owner, () -> { }, "owner");
      assertTrue(restart(demo, owner) < RESTART_S, owner + " served again within " + RESTART_S + " s of its start");

      String leaderNow = leader(demo, owner);
      killUnderLoad(demo, leaderNow, () -> { }, "leader");
      assertTrue(restart(demo, leaderNow) < RESTART_S, leaderNow + " served again within " + RESTART_S + " s");

      // A rolling restart under load: the first node leaves (SIGTERM) and starts again; the moment it
      // serves again, the next node of the roll is killed with kill -9 instead of restarted.
      String rolling = leader(demo, "node1").equals("node1") ? "node2" : "node1";
      String victim = List.of("node1", "node2", "node3").stream().filter(n -> !n.equals(rolling)).findFirst()
          .orElseThrow();
      killUnderLoad(demo, victim, () -> {
        try {
          demo.stop(rolling);
          restart(demo, rolling);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }, "rolling");
    }
  }
}
