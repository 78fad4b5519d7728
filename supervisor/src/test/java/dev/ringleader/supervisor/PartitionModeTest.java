package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import dev.ringleader.worker.PartitionMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 5, partition mode consistent, in a 1 | 2 split (node1 cut off from ZooKeeper and from both
 * other nodes): node1 refuses writes within the suspension window, no acknowledged write is lost,
 * and no two nodes ever acknowledge writes for one ID at the same time.
 */
class PartitionModeTest {
  private static final long SESSION_MS = 3000;
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String ownedBy(String node, String prefix) {
    return ownedBy(node, "counter", prefix);
  }

  private String ownedBy(String node, String type, String prefix) {
    for (int i = 0; ; i++) {
      String id = prefix + i;
      if (Http.get(cluster.url("node2") + "/cluster/owner/" + type + "/" + id).json().get("owner").asText().equals(node)) {
        return id;
      }
    }
  }

  private void awaitRingOn(Set<String> observers, Set<String> ring) {
    Await.until(observers + " see ring " + ring, Duration.ofSeconds(20),
        () -> observers.stream().allMatch(n -> cluster.node(n).ringNodes().equals(ring)));
  }

  @Test
  void aNodeCutOffFromZooKeeperRefusesWritesBeforeAnotherNodeTakesOverAndNothingIsLost() throws Exception {
    cluster = TestCluster.splittable("consistent");
    String probe = ownedBy("node1", "probe");
    List<String> ids = IntStream.range(0, 30).mapToObj(i -> "c" + i).toList();
    RewardLoad load = new RewardLoad("counter", ids, cluster::urls, Duration.ofSeconds(30), 50_000).start(4);
    load.awaitAcked(300, Duration.ofSeconds(30));

    // The probe's worker is live before the cut (an activation needs ZooKeeper; a live worker does not).
    assertEquals(200, Http.post(cluster.url("node1") + "/workers/counter/" + probe, "{\"add\":1}", "warm").status());
    long cut = System.nanoTime();
    cluster.isolate("node1");
    // node1 refuses writes for the IDs it owns as soon as Curator reports SUSPENDED (about 2/3 of the
    // session). Until then a write fails anyway: its copy cannot reach a backup.
    Http.Reply refused;
    int probes = 0;
    do {
      refused = Http.post(cluster.url("node1") + "/workers/counter/" + probe, "{\"add\":1}", "probe-" + probes++);
      assertTrue(refused.status() != 200, "node1 acknowledged a write while cut off: " + refused.body());
      assertTrue(System.nanoTime() - cut < Duration.ofMillis(SESSION_MS).toNanos(),
          "node1 did not refuse as cut off within the session: " + refused.body());
    } while (!refused.body().contains("cut off from ZooKeeper"));
    long refusedAfterMs = (System.nanoTime() - cut) / 1_000_000;
    assertEquals(503, refused.status(), refused.body());
    assertTrue(refusedAfterMs < SESSION_MS, "refused after " + refusedAfterMs + " ms, within the " + SESSION_MS + " ms session");

    awaitRingOn(Set.of("node2", "node3"), Set.of("node2", "node3"));
    load.awaitAcked(load.ok.get() + 200, Duration.ofSeconds(30));
    long heal = System.nanoTime();
    cluster.healAll();
    cluster.awaitRing(Set.of("node1", "node2", "node3"));
    load.awaitAcked(load.ok.get() + 200, Duration.ofSeconds(30));
    load.stop();

    load.assertTotalsEqualAcknowledged(cluster.url("node2"));
    // From the recorded history: between the cut and the heal, once another node acknowledged a
    // write for an ID, node1 never acknowledged a write for it that it received later.
    Map<String, Long> firstOther = new HashMap<>();
    List<RewardLoad.Ack> window;
    synchronized (load.acks) {
      window = load.acks.stream().filter(a -> a.ackedNanos() > cut && a.sentNanos() < heal).toList();
    }
    for (RewardLoad.Ack a : window) {
      if (!a.node().equals("node1")) {
        firstOther.merge(a.id(), a.ackedNanos(), Math::min);
      }
    }
    for (RewardLoad.Ack a : window) {
      Long other = firstOther.get(a.id());
      if (a.node().equals("node1") && other != null) {
        assertTrue(a.sentNanos() < other, "node1 acknowledged " + a.id() + " after another node had");
      }
    }
    assertTrue(!firstOther.isEmpty(), "other nodes took over node1's IDs during the cut");
  }

  @Test
  void aWorkerTypeThatPrefersConsistencyRefusesWhileTheClusterDefaultServesOn() throws Exception {
    cluster = new TestCluster(Map.of("partition-mode", "available", "replication", "2",
        "session-timeout-ms", Long.toString(SESSION_MS)),
        List.of(new CounterType(), new CounterType("ledger", PartitionMode.CONSISTENT), new TickType(Duration.ofMinutes(1))));
    cluster.startBehindProxy("node1");
    cluster.start("node2");
    cluster.start("node3");
    cluster.awaitRing(Set.of("node1", "node2", "node3"));
    String counter = ownedBy("node1", "counter", "c");
    String ledger = ownedBy("node1", "ledger", "l");
    String node1 = cluster.url("node1");
    assertEquals(200, Http.post(node1 + "/workers/counter/" + counter, "{\"add\":1}", "warm-c").status());
    assertEquals(200, Http.post(node1 + "/workers/ledger/" + ledger, "{\"add\":1}", "warm-l").status());

    long cut = System.nanoTime();
    cluster.zkProxies.get("node1").cut(); // node1 loses ZooKeeper only; its links to node2 and node3 stay
    Http.Reply refused;
    int probes = 0;
    do {
      refused = Http.post(node1 + "/workers/ledger/" + ledger, "{\"add\":1}", "l-" + probes++);
      assertTrue(System.nanoTime() - cut < Duration.ofMillis(SESSION_MS).toNanos(),
          "the ledger (mode consistent) was not refused within the session: " + refused.body());
    } while (refused.status() == 200);
    assertEquals(503, refused.status(), refused.body());
    assertTrue(refused.body().contains("cut off from ZooKeeper"), refused.body());
    Http.Reply served = Http.post(node1 + "/workers/counter/" + counter, "{\"add\":1}", "c-1");
    assertEquals(200, served.status(), "the counter (cluster default, available) serves on: " + served.body());
    assertEquals("node1", served.json().get("node").asText());
    cluster.healAll();
  }
}
