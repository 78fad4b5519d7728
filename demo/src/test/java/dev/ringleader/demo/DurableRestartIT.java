package dev.ringleader.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, end to end with real processes (docs/durability.md): every node keeps the states it
 * holds in its own store under its data dir. Stopping every node at once (SIGTERM) and starting them
 * again loses no acknowledged reward with {@code durability=disk}; with {@code disk-fsync}, neither
 * does kill -9 of every node at once. Rewards are retried with their key until acknowledged, so every
 * score must equal the sum of its acknowledged rewards exactly.
 */
class DurableRestartIT {
  private static final String[] NODES = {"node1", "node2", "node3"};

  private static void startAll(DemoProcesses demo, Path data, String durability) throws Exception {
    for (String id : NODES) {
      demo.startNode(id, "--replication", "2", "--min-nodes", "2", "--durability", durability,
          "--data-dir", data.resolve(id).toString(), "--state-cache", "8"); // most of the 40 ids' states: on disk only
    }
    demo.awaitServing(3, Duration.ofSeconds(60));
  }

  private static void awaitAcknowledged(FailoverProbe probe, long n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (probe.acknowledgedRewards() < n) {
      assertTrue(System.nanoTime() < deadline, "only " + probe.acknowledgedRewards() + " rewards acknowledged");
      DemoProcesses.pause();
    }
  }

  private static void restartTheWholeCluster(String durability, boolean kill) throws Exception {
    try (DemoProcesses demo = new DemoProcesses("durable-" + durability + (kill ? "-kill" : "-stop"))) {
      Path data = Files.createTempDirectory("ringleader-it-data");
      demo.startZooKeeper();
      startAll(demo, data, durability);
      List<String> ids = IntStream.range(0, 40).mapToObj(i -> "dr" + i).toList();
      List<String> entries = new ArrayList<>();
      for (String id : NODES) {
        entries.add(demo.url(id));
      }
      try (FailoverProbe probe = new FailoverProbe(ids, entries, 4, "dr")) {
        awaitAcknowledged(probe, 300);
        long start = System.nanoTime();
        if (kill) {
          demo.killAll(); // kill -9 of every node at once, rewards in flight
        } else {
          demo.stopAll(); // SIGTERM to every node at once; each leaves as well as it can
        }
        startAll(demo, data, durability);
        System.out.printf(Locale.ROOT, "durable %s: whole cluster %s and back in %.1f s%n", durability,
            kill ? "killed" : "stopped", (System.nanoTime() - start) / 1e9);
        long acked = probe.acknowledgedRewards();
        awaitAcknowledged(probe, acked + 100);
        probe.stop();
        assertEquals(0, probe.failed.get(), "every reward was acknowledged in the end");
        assertEquals(List.of(), probe.mismatches(demo.url("node2")), "every score is its acknowledged rewards");
      }
    }
  }

  @Test
  void aGracefulStopOfEveryNodeLosesNothingWithDurabilityDisk() throws Exception {
    restartTheWholeCluster("disk", false);
  }

  @Test
  void killNineOfEveryNodeAtOnceLosesNothingWithDurabilityDiskFsync() throws Exception {
    restartTheWholeCluster("disk-fsync", true);
  }
}
