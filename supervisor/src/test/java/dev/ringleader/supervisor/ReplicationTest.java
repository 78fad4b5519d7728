package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 3: no acknowledged update is lost when nodes die; copies follow the ring. */
class ReplicationTest {
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<String> players(int n) {
    return IntStream.range(0, n).mapToObj(i -> "player" + i).toList();
  }

  @Test
  void r2OnThreeNodesLosesNothingWhenANodeIsKilled() throws Exception {
    cluster = TestCluster.of(3, Map.of("replication", "2"));
    RewardLoad load = new RewardLoad("counter", players(30), cluster::urls, Duration.ofSeconds(30), 20_000)
        .start(6);
    load.awaitAcked(300, Duration.ofSeconds(30));
    cluster.crash("node2");
    long before = load.ok.get();
    cluster.awaitRing(Set.of("node1", "node3"));
    load.awaitAcked(before + 300, Duration.ofSeconds(30));
    load.stop();
    load.assertTotalsEqualAcknowledged(cluster.urls().get(0));
  }

  @Test
  void r3OnFiveNodesLosesNothingWhenTwoNodesAreKilledOneAfterAnother() throws Exception {
    cluster = TestCluster.of(5, Map.of("replication", "3"));
    RewardLoad load = new RewardLoad("counter", players(30), cluster::urls, Duration.ofSeconds(30), 20_000)
        .start(6);
    load.awaitAcked(200, Duration.ofSeconds(30));
    cluster.crash("node2");
    cluster.awaitRing(Set.of("node1", "node3", "node4", "node5"));
    load.awaitAcked(load.ok.get() + 200, Duration.ofSeconds(30));
    cluster.crash("node4");
    cluster.awaitRing(Set.of("node1", "node3", "node5"));
    load.awaitAcked(load.ok.get() + 200, Duration.ofSeconds(30));
    load.stop();
    load.assertTotalsEqualAcknowledged(cluster.urls().get(0));
  }

  @Test
  void stateOutlivesPassivationAndARetryWithTheSameKeyIsAppliedOnce() throws Exception {
    cluster = TestCluster.of(3, Map.of("type.counter.idle-timeout-ms", "300"));
    String url = cluster.url("node1") + "/workers/counter/keeper";
    assertEquals(4, Http.post(url, "{\"add\":4}", "k1").json().at("/reply/total").asLong());
    assertEquals(4, Http.post(url, "{\"add\":4}", "k1").json().at("/reply/total").asLong(), "same key: same reply");
    Await.until("the counter passivates", Duration.ofSeconds(5), () -> cluster.nodes.values().stream()
        .allMatch(n -> n.liveWorkers() == 0));
    assertEquals(4, Http.get(url).json().at("/state/total").asLong(), "restored after passivation");
    assertEquals(4, Http.post(url, "{\"add\":4}", "k1").json().at("/reply/total").asLong(),
        "the key is remembered across activations");
    assertEquals(5, Http.post(url, "{\"add\":1}", "k2").json().at("/reply/total").asLong());
  }

  @Test
  void copiesFollowTheRingAndABackupIsNeverOnTheOwnersNode() throws Exception {
    cluster = TestCluster.of(3, Map.of("replication", "2"));
    List<String> ids = players(40);
    for (String id : ids) {
      assertEquals(200, Http.post(cluster.url("node1") + "/workers/counter/" + id, "{\"add\":1}").status());
    }
    assertCopiesExactlyOnPreferenceLists(ids);
    cluster.start("node4");
    cluster.awaitRing(Set.of("node1", "node2", "node3", "node4"));
    assertCopiesExactlyOnPreferenceLists(ids);
    cluster.crash("node2");
    cluster.awaitRing(Set.of("node1", "node3", "node4"));
    assertCopiesExactlyOnPreferenceLists(ids);
    for (String id : ids) {
      assertEquals(1, Http.get(cluster.url("node3") + "/workers/counter/" + id).json().at("/state/total").asLong());
    }
  }

  /** Each ID: owner and backups distinct; a copy on every node of the preference list and nowhere else. */
  private void assertCopiesExactlyOnPreferenceLists(List<String> ids) {
    Await.until("copies on exactly the preference lists", Duration.ofSeconds(20), () -> {
      for (String id : ids) {
        JsonNode owner = Http.get(cluster.url("node1") + "/cluster/owner/counter/" + id).json();
        Set<String> prefs = new HashSet<>();
        prefs.add(owner.get("owner").asText());
        owner.get("replicas").forEach(r -> prefs.add(r.asText()));
        assertEquals(2, prefs.size(), "owner and backup are distinct nodes: " + owner);
        assertFalse(owner.get("replicas").toString().contains("\"" + owner.get("owner").asText() + "\""));
        Set<String> holders = new HashSet<>();
        for (String node : new ArrayList<>(cluster.nodes.keySet())) {
          if (PeerCalls.fetch(cluster.node(node), "counter", id).status() == 200) {
            holders.add(node);
          }
        }
        if (!holders.equals(prefs)) {
          return false;
        }
      }
      return true;
    });
  }
}
