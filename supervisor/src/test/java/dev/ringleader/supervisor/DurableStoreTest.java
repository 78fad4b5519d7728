package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 in process (docs/durability.md): with {@code durability=disk} every node keeps the states
 * it holds in its own store under its data dir, so stopping every node and starting them again loses
 * no acknowledged update; a node finds the newest copy on any member, also one the ring no longer
 * lists for the key (the last node to leave holds everything).
 */
class DurableStoreTest {
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private void startAll(Path dir) {
    for (String id : List.of("node1", "node2", "node3")) {
      cluster.start(id, Map.of("data-dir", dir.resolve(id).toString()));
    }
    cluster.awaitRing(Set.of("node1", "node2", "node3"));
  }

  @Test
  void everyAcknowledgedUpdateSurvivesAGracefulStopOfTheWholeCluster(@TempDir Path dir) throws Exception {
    cluster = new TestCluster(Map.of("replication", "2", "min-nodes", "2", "durability", "disk",
        "state-cache", "8"), // most of the 60 ids' states live on disk only: every path reads through
        List.of(new CounterType(), new TickType(Duration.ofMinutes(1))));
    startAll(dir);
    List<String> ids = IntStream.range(0, 60).mapToObj(i -> "d" + i).toList();
    RewardLoad load = new RewardLoad("counter", ids, cluster::urls, Duration.ofSeconds(20), 600).start(3);
    load.awaitAcked(600, Duration.ofSeconds(60));
    load.stop();
    assertEquals(0, load.failed.get(), "no request failed: " + load.errors);
    for (String id : List.of("node1", "node2", "node3")) {
      cluster.leave(id); // each hands over to the others; the last keeps everything on its disk
    }
    startAll(dir);
    load.assertTotalsEqualAcknowledged(cluster.url("node1"));
    load.assertTotalsEqualAcknowledged(cluster.url("node3"));
  }

  @Test
  void aNodeWithAnotherDurabilityThanTheMembersDoesNotStartUnlessToldToWarn(@TempDir Path dir) throws Exception {
    cluster = new TestCluster(Map.of("replication", "2", "min-nodes", "1"),
        List.of(new CounterType(), new TickType(Duration.ofMinutes(1))));
    cluster.start("node1", Map.of("durability", "disk", "data-dir", dir.resolve("node1").toString()));
    StartupException refused = org.junit.jupiter.api.Assertions.assertThrows(StartupException.class,
        () -> cluster.start("node2"));
    org.junit.jupiter.api.Assertions.assertEquals("invalid setting --durability=memory: the cluster's members run "
        + "another one (node1 disk); every node of a cluster keeps the same durability (--durability-check=warn lets "
        + "this node join anyway, for a rolling change of mode)", refused.getMessage());
    cluster.awaitRing(Set.of("node1")); // the refused node never became a member
    cluster.start("node2", Map.of("durability-check", "warn"));
    cluster.awaitRing(Set.of("node1", "node2"));
  }
}
