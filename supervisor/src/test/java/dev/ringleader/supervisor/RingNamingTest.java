package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.registry.ClusterPaths;
import dev.ringleader.registry.Ring;
import dev.ringleader.registry.RingSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, {@code --names ring} (docs/names.md): the ring owner holds each name in memory; no znode
 * per worker; an ID that moves is activated on its new owner only once its old owner let go of it.
 */
class RingNamingTest {
  private static final Map<String, String> RING = Map.of("names", "ring", "replication", "2");
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<String> ids(int n) {
    return IntStream.range(0, n).mapToObj(i -> "p" + i).toList();
  }

  @Test
  void aFourthNodeJoinsUnderLoadEveryWorkerLivesOnceOnItsOwnerAndNoNameIsAZnode() throws Exception {
    cluster = TestCluster.of(3, RING);
    List<String> ids = ids(200);
    RewardLoad load = new RewardLoad("counter", ids, cluster::urls, Duration.ofSeconds(20), 50_000).start(4);
    load.awaitAcked(400, Duration.ofSeconds(30));
    cluster.start("node4");
    cluster.awaitRing(Set.of("node1", "node2", "node3", "node4"));
    load.awaitAcked(load.ok.get() + 400, Duration.ofSeconds(30));
    load.stop();
    assertEquals(0, load.failed.get(), "no request failed: " + load.errors);
    load.assertTotalsEqualAcknowledged(cluster.urls().get(0));

    Map<String, String> owners = new HashMap<>();
    for (String id : ids) {
      owners.put(id, Http.get(cluster.url("node2") + "/cluster/owner/counter/" + id).json().get("owner").asText());
    }
    Await.until("every live worker lives once, on its owner", Duration.ofSeconds(10), () -> {
      Map<String, String> liveOn = new HashMap<>();
      for (String node : cluster.nodes.keySet()) {
        for (JsonNode w : Http.get(cluster.url(node) + "/node/workers").json().get("workers")) {
          String id = w.get("id").asText();
          if (liveOn.put(id, node) != null || !node.equals(owners.get(id))) {
            return false;
          }
        }
      }
      return true;
    });
    ClusterPaths paths = ClusterPaths.of(cluster.cluster);
    assertEquals(null, cluster.observer().checkExists().forPath(paths.registry()), "no global-name znode at all");
    long epoch = cluster.node("node1").ringEpoch();
    Await.until("every member released the current ring epoch " + epoch, Duration.ofSeconds(10),
        () -> cluster.nodes.keySet().stream().allMatch(n -> released(n) == epoch));
  }

  /**
   * node1's worker of one ID is held inside its handler across a join, so node1 cannot stop it and
   * cannot release the new epoch: another ID that moves from node1 to node4 waits, activating, on
   * node4 (no second activation while node1 may still hold its first), and is served with its state
   * once node1 let go.
   */
  @Test
  void anIdThatMovesIsActivatedOnItsNewOwnerOnlyOnceItsOldOwnerLetGo() throws Exception {
    GateType gate = new GateType();
    // A 10 s session: a waiting activation gives up after session + 1 s, and this test's steps between
    // the wait's start and the gate's opening must fit in that on a loaded machine.
    cluster = new TestCluster(Map.of("names", "ring", "replication", "2", "session-timeout-ms", "10000"),
        List.of(new CounterType(), gate, new TickType(Duration.ofSeconds(60))));
    for (String n : List.of("node1", "node2", "node3")) {
      cluster.start(n);
    }
    cluster.awaitRing(Set.of("node1", "node2", "node3"));
    Ring three = Ring.of(RingSpec.of(1, Ring.DEFAULT_VNODES, "node1", "node2", "node3"));
    Ring four = Ring.of(RingSpec.of(1, Ring.DEFAULT_VNODES, "node1", "node2", "node3", "node4"));
    String held = movingFromNode1("gate", three, four);
    String moved = movingFromNode1("counter", three, four);
    String node1 = cluster.url("node1");
    assertEquals(200, Http.post(node1 + "/workers/counter/" + moved, "{\"add\":1}").status());
    CompletableFuture<Http.Reply> holding = CompletableFuture.supplyAsync(
        () -> Http.post(node1 + "/workers/gate/" + held, "{\"add\":1,\"hold\":true}"));
    assertTrue(gate.entered.await(10, java.util.concurrent.TimeUnit.SECONDS), "the gate's handler runs");

    cluster.start("node4");
    cluster.awaitRing(Set.of("node1", "node2", "node3", "node4"));
    long epoch = cluster.node("node4").ringEpoch();
    CompletableFuture<Http.Reply> write = CompletableFuture.supplyAsync(
        () -> Http.post(cluster.url("node4") + "/workers/counter/" + moved, "{\"add\":1}"));
    Await.until("node4's activation of " + moved + " waits for its name", Duration.ofSeconds(10),
        () -> status(cluster.url("node4"), moved).equals("activating"));
    assertTrue(released("node1") < epoch, "node1 has not released epoch " + epoch + ": " + released("node1"));
    assertEquals(1, Http.get(node1 + "/node/workers").json().get("count").asInt(),
        "node1 still runs the held worker only: " + Http.get(node1 + "/node/workers").body());

    gate.open();
    holding.join();
    Http.Reply done = write.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(200, done.status(), done.body());
    assertEquals(2, Http.get(cluster.url("node2") + "/workers/counter/" + moved).json().at("/state/total").asLong(),
        "node4 started from node1's state");
    assertEquals(epoch, released("node1"), "node1 released the epoch once its worker stopped");
    // The order, from the nodes' own records: node4 started its worker of the moved ID only after
    // node1's held worker stopped (what node1's release waited for).
    long heldStopped = at(node1 + "/node/history/gate/" + held, "stopped");
    long movedStarted = at(cluster.url("node4") + "/node/history/counter/" + moved, "activated");
    assertTrue(movedStarted >= heldStopped, "node4 activated " + moved + " at " + movedStarted
        + ", before node1's held worker stopped at " + heldStopped);
  }

  /** When the last entry {@code event} of a node's history of one ID happened (epoch ms). */
  private static long at(String url, String event) {
    long at = -1;
    for (JsonNode e : Http.get(url).json().get("history")) {
      if (e.get("event").asText().equals(event)) {
        at = e.get("at").asLong();
      }
    }
    assertTrue(at >= 0, "no " + event + " in " + Http.get(url).body());
    return at;
  }

  /**
   * Scenario 6: node1's session expires under load (partition mode consistent, so a second
   * activation would not be merged but would lose or double updates); the others take its IDs; it
   * comes back in a new session, catches up with the ring before it takes a name, and gets its share
   * back. Every acknowledged reward is counted exactly once.
   */
  @Test
  void aNodeWhoseSessionExpiredUnderLoadTakesNoNameBeforeItCaughtUp() throws Exception {
    cluster = TestCluster.of(3, Map.of("names", "ring", "replication", "2", "min-nodes", "2",
        "partition-mode", "consistent"));
    RewardLoad load = new RewardLoad("counter", ids(40), cluster::urls, Duration.ofSeconds(20), 50_000).start(4);
    load.awaitAcked(200, Duration.ofSeconds(30));
    long before = cluster.node("node2").ringEpoch();
    cluster.expireSession("node1");
    // Out of the ring (its session ended) and back in (its new session): two new epochs at least.
    Await.until("the ring takes node1 out and back in", Duration.ofSeconds(30),
        () -> cluster.nodes.values().stream().allMatch(n -> n.ringEpoch() >= before + 2
            && n.ringNodes().equals(Set.of("node1", "node2", "node3"))));
    load.awaitAcked(load.ok.get() + 200, Duration.ofSeconds(30));
    load.stop();
    load.assertTotalsEqualAcknowledged(cluster.url("node2"));
    load.assertTotalsEqualAcknowledged(cluster.url("node1"));
  }

  @Test
  void theIdsOfACrashedNodeAreServedWithTheirStateByTheSurvivors() throws Exception {
    cluster = TestCluster.of(3, RING);
    List<String> ids = ids(60);
    for (String id : ids) {
      assertEquals(200, Http.post(cluster.url("node1") + "/workers/counter/" + id, "{\"add\":3}").status());
    }
    cluster.crash("node3");
    cluster.awaitRing(Set.of("node1", "node2"));
    for (String id : ids) {
      Http.Reply r = Http.get(cluster.url("node2") + "/workers/counter/" + id);
      assertEquals(200, r.status(), r.body());
      assertEquals(3, r.json().at("/state/total").asLong(), id);
    }
  }

  @Test
  void aNodeThatHoldsNamesOtherwiseThanTheMembersDoesNotStart() throws Exception {
    cluster = new TestCluster(Map.of("replication", "1"), List.of(new CounterType(), new TickType(Duration.ofSeconds(60))));
    cluster.start("node1", Map.of("names", "ring"));
    StartupException refused = org.junit.jupiter.api.Assertions.assertThrows(StartupException.class,
        () -> cluster.start("node2"));
    assertEquals("invalid setting --names=zookeeper: the cluster's members hold names otherwise (node1 ring); every "
        + "node of a cluster uses the same naming mode", refused.getMessage());
    cluster.awaitRing(Set.of("node1")); // the refused node never became a member
    cluster.start("node2", Map.of("names", "ring"));
    cluster.awaitRing(Set.of("node1", "node2"));
  }

  /** The first ID of {@code type} that node1 owns in {@code before} and node4 in {@code after}. */
  private static String movingFromNode1(String type, Ring before, Ring after) {
    return IntStream.range(0, 10_000).mapToObj(i -> type + i)
        .filter(id -> before.owner(type, id).equals("node1") && after.owner(type, id).equals("node4"))
        .findFirst().orElseThrow();
  }

  /** The status {@code /node/workers} of {@code url} gives the counter {@code id}, or "" when it is not there. */
  private static String status(String url, String id) {
    for (JsonNode w : Http.get(url + "/node/workers").json().get("workers")) {
      if (w.get("id").asText().equals(id)) {
        return w.get("status").asText();
      }
    }
    return "";
  }

  private long released(String node) {
    try {
      byte[] data = cluster.observer().getData().forPath(ClusterPaths.of(cluster.cluster).released(node));
      return Long.parseLong(new String(data, StandardCharsets.US_ASCII));
    } catch (Exception e) {
      return -2;
    }
  }
}
