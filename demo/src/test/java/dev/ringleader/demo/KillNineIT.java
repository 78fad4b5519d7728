package dev.ringleader.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, end to end: ZooKeeper and three nodes as real processes from the demo jar; the load
 * command sends player rewards through all nodes while one node is killed with kill -9; the load
 * command then checks that every score equals the sum of its acknowledged rewards.
 */
class KillNineIT {
  @Test
  void noAcknowledgedRewardIsLostWhenANodeIsKilledWithKillNine() throws Exception {
    try (DemoProcesses demo = new DemoProcesses("killnine")) {
      demo.startZooKeeper();
      for (String id : new String[] {"node1", "node2", "node3"}) {
        demo.startNode(id, "--session-timeout-ms", "3000", "--replication", "2", "--min-nodes", "2");
      }
      demo.awaitServing(3, Duration.ofSeconds(60));
      String urls = demo.url("node1") + "," + demo.url("node2") + "," + demo.url("node3");
      Process load = demo.start("load", "load", "--url", urls, "--ids", "40", "--duration-s", "12",
          "--concurrency", "6", "--retry-ms", "20000", "--prefix", "kn");
      // Kill node2 in the middle of the writes: once it hosts players that have committed several
      // rewards (a version of 3 or more), not while the load is still reading the starting scores.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!hostsWrittenPlayers(DemoProcesses.get(demo.url("node2") + "/node/workers"))) {
        assertTrue(System.nanoTime() < deadline, "node2 never hosted a player with committed rewards");
        DemoProcesses.pause();
      }
      demo.kill("node2");
      assertTrue(load.waitFor(120, TimeUnit.SECONDS), "the load finishes");
      String out = Files.readString(demo.logs.resolve("load.log"));
      assertEquals(0, load.exitValue(), "load reported failures or lost updates:\n" + out);
      assertTrue(out.contains("failed 0,") && out.contains("lost or extra updates 0"), out);
    }
  }

  private static boolean hostsWrittenPlayers(String workers) {
    if (workers == null) {
      return false;
    }
    try {
      for (var w : new com.fasterxml.jackson.databind.ObjectMapper().readTree(workers).path("workers")) {
        if (w.path("type").asText().equals("player") && w.path("version").asLong() >= 3) {
          return true;
        }
      }
    } catch (Exception e) {
      return false;
    }
    return false;
  }
}
