package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.registry.GlobalName;
import dev.ringleader.registry.NameRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 5, partition mode available: a 1 | 2 split (node1 cut off from ZooKeeper and from both other
 * nodes) where both sides acknowledge rewards for the same counters; after the heal the conflict
 * resolver merges every duplicate, each total is the sum of every acknowledged reward from both
 * sides, and each name is held exactly once, by the only node where the worker lives.
 */
class NetsplitTest {
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** In both naming modes: with {@code --names ring} the holder of a name is the ring owner, in memory. */
  @ParameterizedTest
  @ValueSource(strings = {"zookeeper", "ring"})
  void bothSidesOfASplitAcknowledgeAndTheHealMergesEveryReward(String naming) throws Exception {
    cluster = TestCluster.splittable("available", naming);
    List<String> ids = IntStream.range(0, 12).mapToObj(i -> "p" + i).toList();
    String node1 = cluster.url("node1");
    List<String> majority = List.of(cluster.url("node2"), cluster.url("node3"));
    // Every counter is live on its owner before the split (a first activation needs ZooKeeper).
    for (String id : ids) {
      assertEquals(200, Http.post(node1 + "/workers/counter/" + id, "{\"add\":0}", "warm-" + id).status());
    }
    // Clients on each side. Between phases every client stops and every request is answered, so no
    // request is in flight at the instant of the cut or of the heal: such a request's outcome is
    // unknown to its sender and may be applied on both sides (docs/conflict-resolution.md, scenario 6).
    Phase before = new Phase(ids, node1, majority).awaitEach(50);
    before.stop();

    cluster.isolate("node1");
    Phase split = new Phase(ids, node1, majority);
    // The majority takes node1 out of the ring once its session expires ...
    Await.until("node2 and node3 see a ring without node1", Duration.ofSeconds(20),
        () -> Set.of("node2", "node3").equals(cluster.node("node2").ringNodes())
            && Set.of("node2", "node3").equals(cluster.node("node3").ringNodes()));
    long majorityRing = System.nanoTime();
    // ... while node1, alone, goes on acknowledging: both sides accept rewards for the same IDs.
    split.awaitEach(100);
    assertTrue(ackedByNodeAfter(split.minority, "node1", majorityRing) > 0, "node1 acknowledged while cut off");
    assertTrue(Http.get(node1 + "/node/workers").json().get("detached").asInt() > 0,
        "node1's workers serve detached: " + Http.get(node1 + "/node/workers").body());
    split.stop();

    cluster.healAll();
    cluster.awaitRing(Set.of("node1", "node2", "node3"));
    Phase after = new Phase(ids, node1, majority).awaitEach(50);
    after.stop();

    // Every detached activation gives way and its state is merged into the ring owner's worker.
    Await.until("no detached activation or unmerged state is left", Duration.ofSeconds(20), () ->
        cluster.urls().stream().map(u -> Http.get(u + "/node/workers").json())
            .allMatch(w -> w.get("detached").asInt() == 0 && w.get("awaitingMerge").asInt() == 0));
    for (String id : ids) {
      long expected = 0;
      for (Phase p : List.of(before, split, after)) {
        expected += p.minority.acked.get(id).get() + p.majority.acked.get(id).get();
      }
      Http.Reply r = Http.get(cluster.url("node2") + "/workers/counter/" + id);
      assertEquals(200, r.status(), r.body());
      assertEquals(expected, r.json().at("/state/total").asLong(),
          id + ": the total is every acknowledged reward of both sides (during the split node1 acknowledged "
              + split.minority.acked.get(id) + ", node2/3 " + split.majority.acked.get(id) + "); history: "
              + Http.get(cluster.url("node2") + "/cluster/history/counter/" + id).body() + "; state: "
              + Http.get(cluster.url("node2") + "/workers/counter/" + id + "?debug").body());
    }

    // Each name is held once, by the one node where the worker is live.
    Map<String, String> liveOn = new HashMap<>();
    for (String node : cluster.nodes.keySet()) {
      for (JsonNode w : Http.get(cluster.url(node) + "/node/workers").json().get("workers")) {
        if (w.get("type").asText().equals("counter")) {
          String elsewhere = liveOn.put(w.get("id").asText(), node);
          assertEquals(null, elsewhere, w.get("id").asText() + " is live on " + elsewhere + " and " + node);
        }
      }
    }
    for (String id : ids) {
      assertEquals(liveOn.get(id), holder(naming, id), id + " is held by the node where it lives");
    }
    assertTrue(resolutions() > 0, "the resolver counted its merges in /metrics");
  }

  @Test
  void anUnreachableOwnerGetsAProvisionalWorkerThatIsMergedWhenTheLinkHeals() throws Exception {
    cluster = TestCluster.splittable("available");
    // An ID of node2 whose copy is on node3, so node2's own writes do not cross the cut link.
    String id = null;
    for (int i = 0; id == null; i++) {
      JsonNode owner = Http.get(cluster.url("node3") + "/cluster/owner/counter/v" + i).json();
      if (owner.get("owner").asText().equals("node2") && owner.get("replicas").toString().equals("[\"node3\"]")) {
        id = "v" + i;
      }
    }
    String node1 = cluster.url("node1");
    String node2 = cluster.url("node2");
    assertEquals(200, Http.post(node2 + "/workers/counter/" + id, "{\"add\":5}", "a").status());

    cluster.cutLink("node1", "node2"); // ZooKeeper and every other link stay up
    Http.Reply provisional = Http.post(node1 + "/workers/counter/" + id, "{\"add\":10}", "b");
    assertEquals(200, provisional.status(), provisional.body());
    assertEquals("node1", provisional.json().get("node").asText(), "served by a provisional worker on node1");
    assertEquals(200, Http.post(node1 + "/workers/counter/" + id, "{\"add\":1}", "c").status());
    Http.Reply owner = Http.post(node2 + "/workers/counter/" + id, "{\"add\":100}", "d");
    assertEquals("node2", owner.json().get("node").asText(), owner.body());
    assertEquals(1, Http.get(node1 + "/node/workers").json().get("detached").asInt());
    assertEquals(Set.of("node1", "node2", "node3"), cluster.node("node1").ringNodes(), "no ring change");

    cluster.healLink("node1", "node2");
    Await.until("node1's provisional worker gave way", Duration.ofSeconds(20), () -> {
      JsonNode w = Http.get(node1 + "/node/workers").json();
      return w.get("detached").asInt() == 0 && w.get("awaitingMerge").asInt() == 0;
    });
    Http.Reply merged = Http.get(node2 + "/workers/counter/" + id);
    assertEquals(116, merged.json().at("/state/total").asLong(), "5 + 10 + 1 + 100: " + merged.body());
    String history = Http.get(node2 + "/cluster/history/counter/" + id).body();
    assertTrue(history.contains("provisional: the owner of counter/" + id + " is unreachable"), history);
    assertTrue(history.contains("\"event\":\"merged\"") && history.contains("\"event\":\"resolved\""), history);
    // node1 forwards again: a retry of a request the provisional worker answered gets its reply.
    Http.Reply retry = Http.post(node1 + "/workers/counter/" + id, "{\"add\":10}", "b");
    assertEquals("node2", retry.json().get("node").asText(), retry.body());
    assertEquals(provisional.json().at("/reply/total").asLong(), retry.json().at("/reply/total").asLong(),
        "the reply the provisional worker gave (it started without node2's state), not applied again");
    assertEquals(116, Http.get(node2 + "/workers/counter/" + id).json().at("/state/total").asLong());
  }

  /** Clients sending rewards for the same IDs to each side: node1 alone, and node2/node3. */
  /**
   * Who holds the name of counter {@code id}: its znode's node in ZooKeeper naming; in ring naming its
   * ring owner, and no znode may exist for it.
   */
  private String holder(String naming, String id) throws Exception {
    NameRegistry names = new NameRegistry(cluster.observer(), dev.ringleader.registry.ClusterPaths.of(cluster.cluster));
    Optional<GlobalName> znode = names.get("counter", id);
    if (naming.equals("ring")) {
      assertTrue(znode.isEmpty(), id + " has no znode with --names ring: " + znode);
      return Http.get(cluster.url("node2") + "/cluster/owner/counter/" + id).json().get("owner").asText();
    }
    assertTrue(znode.isPresent(), id + " has a name");
    return znode.get().node();
  }

  private static final class Phase {
    final RewardLoad minority;
    final RewardLoad majority;

    Phase(List<String> ids, String node1, List<String> majorityUrls) {
      minority = new RewardLoad("counter", ids, () -> List.of(node1), Duration.ofSeconds(40), 20_000).start(2);
      majority = new RewardLoad("counter", ids, () -> majorityUrls, Duration.ofSeconds(40), 20_000).start(2);
    }

    Phase awaitEach(long more) {
      minority.awaitAcked(minority.ok.get() + more, Duration.ofSeconds(20));
      majority.awaitAcked(majority.ok.get() + more, Duration.ofSeconds(20));
      return this;
    }

    /** Stops both sides' clients once every request they sent is answered; none may have failed. */
    void stop() throws InterruptedException {
      minority.stop();
      majority.stop();
      assertEquals(0, minority.failed.get(), "every reward sent to node1 acknowledged: " + minority.errors);
      assertEquals(0, majority.failed.get(), "every reward sent to node2/3 acknowledged: " + majority.errors);
    }
  }

  private static long ackedByNodeAfter(RewardLoad load, String node, long after) {
    synchronized (load.acks) {
      return load.acks.stream().filter(a -> a.node().equals(node) && a.sentNanos() > after).count();
    }
  }

  /** The sum of ringleader_conflicts_resolved_total{role="survived"} over every node. */
  private long resolutions() {
    long sum = 0;
    for (String url : cluster.urls()) {
      for (String line : Http.get(url + "/metrics").body().split("\n")) {
        if (line.startsWith("ringleader_conflicts_resolved_total") && line.contains("role=\"survived\"")) {
          sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }
}
