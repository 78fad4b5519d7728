package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.registry.ClusterPaths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 4: joins, graceful leaves and rolling restarts under load, with zero failed requests. */
class ElasticRingTest {
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

  /** In both naming modes (--names ring: docs/names.md). */
  @ParameterizedTest
  @ValueSource(strings = {"zookeeper", "ring"})
  void aRollingRestartOfEveryNodeFailsNoRequestAndLosesNoUpdate(String naming) throws Exception {
    cluster = TestCluster.of(3, Map.of("replication", "2", "min-nodes", "2", "names", naming));
    RewardLoad load = new RewardLoad("counter", ids(40), cluster::urls, Duration.ofSeconds(20), 50_000).start(4);
    load.awaitAcked(200, Duration.ofSeconds(30));
    for (String node : List.of("node1", "node2", "node3")) {
      cluster.leave(node);
      cluster.awaitRing(cluster.nodes.keySet());
      load.awaitAcked(load.ok.get() + 100, Duration.ofSeconds(30));
      cluster.start(node);
      cluster.awaitRing(Set.of("node1", "node2", "node3"));
      load.awaitAcked(load.ok.get() + 100, Duration.ofSeconds(30));
    }
    load.stop();
    assertEquals(0, load.failed.get(), "no request failed: " + load.errors);
    assertEquals(0, load.retries.get(), "no request even needed a retry: " + load.errors);
    load.assertTotalsEqualAcknowledged(cluster.urls().get(0));
  }

  @Test
  void aFourthNodeJoinsUnderLoadTakesItsShareAndEveryWorkerIsRegisteredOnce() throws Exception {
    cluster = TestCluster.of(3, Map.of("replication", "2"));
    List<String> ids = ids(200);
    RewardLoad load = new RewardLoad("counter", ids, cluster::urls, Duration.ofSeconds(20), 50_000).start(4);
    load.awaitAcked(400, Duration.ofSeconds(30));
    cluster.start("node4");
    cluster.awaitRing(Set.of("node1", "node2", "node3", "node4"));
    load.awaitAcked(load.ok.get() + 400, Duration.ofSeconds(30));
    load.stop();
    assertEquals(0, load.failed.get(), "no request failed: " + load.errors);
    assertEquals(0, load.retries.get(), "no request even needed a retry: " + load.errors);
    load.assertTotalsEqualAcknowledged(cluster.urls().get(0));

    double share = Http.get(cluster.url("node1") + "/cluster").json().at("/ring/shares/node4").asDouble();
    assertTrue(share > 0.20 && share < 0.30, "node4 owns about a quarter of the ring: " + share);
    Map<String, String> owners = new HashMap<>();
    int onNode4 = 0;
    for (String id : ids) {
      String owner = Http.get(cluster.url("node2") + "/cluster/owner/counter/" + id).json().get("owner").asText();
      owners.put(id, owner);
      onNode4 += owner.equals("node4") ? 1 : 0;
    }
    assertTrue(onNode4 > 25 && onNode4 < 75, "node4 owns about a quarter of 200 IDs: " + onNode4);
    // Each live worker: on its owner, and registered exactly once, by its owner.
    Await.until("every live worker is on its owner", Duration.ofSeconds(10), () -> {
      for (String node : cluster.nodes.keySet()) {
        for (JsonNode w : Http.get(cluster.url(node) + "/node/workers").json().get("workers")) {
          if (!node.equals(owners.get(w.get("id").asText()))) {
            return false;
          }
        }
      }
      return true;
    });
    ClusterPaths paths = ClusterPaths.of(cluster.cluster);
    List<String> registered = new ArrayList<>();
    for (String bucket : cluster.observer().getChildren().forPath(paths.registryType("counter"))) {
      registered.addAll(cluster.observer().getChildren().forPath(paths.registryType("counter") + "/" + bucket));
    }
    int live = 0;
    for (String node : cluster.nodes.keySet()) {
      live += Http.get(cluster.url(node) + "/node/workers").json().get("count").asInt();
    }
    assertEquals(live, registered.size(), "one registry entry per live worker");
    assertEquals(registered.size(), Set.copyOf(registered).size(), "no name twice");
  }

  @Test
  void theRingConvergesWhenTheLeaderIsKilledDuringAJoin() throws Exception {
    cluster = TestCluster.of(3, Map.of("replication", "2"));
    String leader = cluster.nodes.values().stream().filter(RingleaderNode::isLeader).findFirst().orElseThrow().name();
    List<String> ids = ids(60);
    for (String id : ids) {
      assertEquals(200, Http.post(cluster.url("node1") + "/workers/counter/" + id, "{\"add\":1}").status());
    }
    Thread joiner = new Thread(() -> cluster.start("node4"));
    joiner.start();
    cluster.crash(leader);
    joiner.join(30_000);
    Set<String> expected = new java.util.TreeSet<>(Set.of("node1", "node2", "node3", "node4"));
    expected.remove(leader);
    cluster.awaitRing(expected);
    assertEquals(1, cluster.nodes.values().stream().filter(RingleaderNode::isLeader).count(), "one leader");
    for (String id : ids) {
      Http.Reply r = Http.get(cluster.url("node4") + "/workers/counter/" + id);
      assertEquals(200, r.status(), r.body());
      assertEquals(1, r.json().at("/state/total").asLong(), id);
    }
    Map<String, String> hosts = new HashMap<>();
    for (String node : cluster.nodes.keySet()) {
      for (JsonNode w : Http.get(cluster.url(node) + "/node/workers").json().get("workers")) {
        String previous = hosts.put(w.get("id").asText(), node);
        assertEquals(null, previous, w.get("id").asText() + " is live on two nodes");
      }
    }
  }
}
