package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.registry.ClusterPaths;
import dev.ringleader.registry.GlobalName;
import dev.ringleader.supervisor.internal.node.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 2: three nodes in one JVM on a real ZooKeeper, over real HTTP on loopback. */
class WalkingClusterTest {
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyNodeGivesTheSameAnswerAndIdsSpreadOverAllNodes() throws Exception {
    cluster = TestCluster.of(3, Map.of());
    Set<String> hosts = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      String id = "id" + i;
      JsonNode first = Http.get(cluster.url("node1") + "/request/" + id).json();
      hosts.add(first.get("node").asText());
      for (String url : cluster.urls()) {
        assertEquals(first, Http.get(url + "/request/" + id).json(), "same answer for " + id + " from " + url);
      }
      assertEquals(first.get("node").asText(),
          Http.get(cluster.url("node3") + "/cluster/owner/tick/" + id).json().get("owner").asText());
    }
    assertEquals(Set.of("node1", "node2", "node3"), hosts, "30 IDs spread over all three nodes");
  }

  @Test
  void aShortLivedWorkerEndsAndTheNextRequestStartsANewOneAndItsNameGoes() throws Exception {
    cluster = TestCluster.of(3, Map.of("type.tick.lifetime-ms", "2000"));
    String name = cluster.root() + "/registry/tick/" + ClusterPaths.bucket("tick", "short") + "/short";
    // The observer connects first: its connection time must not eat into the worker's 2 s life.
    assertTrue(cluster.observer().checkExists().forPath(cluster.root()) != null);
    JsonNode first = Http.get(cluster.url("node2") + "/request/short").json();
    assertTrue(cluster.observer().checkExists().forPath(name) != null, "the global name exists while it lives");
    Await.until("the worker ends and its name goes", Duration.ofSeconds(5), () -> {
      try {
        return cluster.observer().checkExists().forPath(name) == null;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    JsonNode second = Http.get(cluster.url("node1") + "/request/short").json();
    assertNotEquals(first.get("value").asLong(), second.get("value").asLong(), "a new worker, a new value");
  }

  @Test
  void stateChangesAreSeenFromEveryNodeAndACrashRestartsWithTheLastState() throws Exception {
    cluster = TestCluster.of(3, Map.of());
    String counter = "/workers/counter/alice";
    assertEquals(5, Http.post(cluster.url("node2") + counter, "{\"add\":5}").json().at("/reply/total").asLong());
    Http.Reply crash = Http.post(cluster.url("node3") + counter, "{\"add\":\"a\"}");
    assertEquals(500, crash.status(), crash.body());
    assertEquals("worker_crashed", crash.json().get("error").asText());
    assertEquals(1, crash.json().get("restarts").asInt());
    assertEquals(7, Http.post(cluster.url("node1") + counter, "{\"add\":2}").json().at("/reply/total").asLong());
    for (String url : cluster.urls()) {
      JsonNode read = Http.get(url + counter).json();
      assertEquals(7, read.at("/state/total").asLong());
      assertEquals("counter", read.get("type").asText());
      assertEquals("alice", read.get("id").asText());
    }
  }

  @Test
  void exactlyOneRegistryEntryPerLiveWorkerOnItsOwner() throws Exception {
    cluster = TestCluster.of(3, Map.of());
    Map<String, String> owners = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      String id = "p" + i;
      JsonNode r = Http.post(cluster.urls().get(i % 3) + "/workers/counter/" + id, "{\"add\":1}").json();
      owners.put(id, r.get("node").asText());
    }
    ClusterPaths paths = ClusterPaths.of(cluster.cluster);
    var zk = cluster.observer();
    int registered = 0;
    for (String bucket : zk.getChildren().forPath(paths.registryType("counter"))) {
      for (String id : zk.getChildren().forPath(paths.registryType("counter") + "/" + bucket)) {
        registered++;
        GlobalName name = Json.MAPPER.readValue(zk.getData().forPath(paths.name("counter", id)), GlobalName.class);
        assertEquals(owners.get(id), name.node(), "the name of " + id + " is held by its owner");
      }
    }
    assertEquals(40, registered, "one name per live worker");
    int live = 0;
    for (String url : cluster.urls()) {
      live += Http.get(url + "/node/workers").json().get("count").asInt();
    }
    assertEquals(40, live, "40 live workers across the nodes");
  }

  @Test
  void theLeaderWritesTheRingAndAnAbruptlyClosedNodeIsTakenOut() throws Exception {
    cluster = TestCluster.of(3, Map.of());
    long leaders = cluster.nodes.values().stream().filter(RingleaderNode::isLeader).count();
    assertEquals(1, leaders, "exactly one leader");
    JsonNode ring = Json.MAPPER.readTree(cluster.observer().getData().forPath(cluster.root() + "/ring"));
    assertEquals(3, ring.get("members").size());
    long epoch = ring.get("epoch").asLong();

    // IDs owned by node2 before it goes.
    List<String> ofNode2 = new java.util.ArrayList<>();
    for (int i = 0; ofNode2.size() < 5; i++) {
      if (Http.get(cluster.url("node1") + "/cluster/owner/counter/k" + i).json().get("owner").asText().equals("node2")) {
        ofNode2.add("k" + i);
      }
    }
    for (String id : ofNode2) {
      assertEquals(200, Http.post(cluster.url("node1") + "/workers/counter/" + id, "{\"add\":1}").status());
    }
    cluster.crash("node2");
    cluster.awaitRing(Set.of("node1", "node3"));
    JsonNode after = Json.MAPPER.readTree(cluster.observer().getData().forPath(cluster.root() + "/ring"));
    assertTrue(after.get("epoch").asLong() > epoch, "a new ring epoch");
    for (String id : ofNode2) {
      Http.Reply r = Http.post(cluster.url("node3") + "/workers/counter/" + id, "{\"add\":1}");
      assertEquals(200, r.status(), r.body());
      assertNotEquals("node2", r.json().get("node").asText());
    }
  }

  @Test
  void anotherNodeLeadsWithinTheSessionTimeoutWhenTheLeadersSessionIsKilled() throws Exception {
    cluster = TestCluster.of(3, Map.of());
    String leader = cluster.nodes.values().stream().filter(RingleaderNode::isLeader).findFirst().orElseThrow().name();
    long start = System.nanoTime();
    cluster.expireSession(leader);
    String next = Await.value("a new leader", Duration.ofSeconds(3), () -> cluster.nodes.values().stream()
        .filter(n -> !n.name().equals(leader) && n.isLeader()).map(RingleaderNode::name).findFirst().orElse(null));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertNotEquals(leader, next);
    assertTrue(ms < 3000, "new leader after " + ms + " ms, within the 3000 ms session timeout");
    // The old leader's node gets a new session, registers again and the ring includes it again.
    cluster.awaitRing(Set.of("node1", "node2", "node3"));
    assertEquals(1, cluster.nodes.values().stream().filter(RingleaderNode::isLeader).count());
    assertFalse(cluster.node(leader).isLeader());
  }

  @Test
  void aRestartedNodeRejoinsAndTakesItsShareAgain() throws Exception {
    cluster = TestCluster.of(3, Map.of());
    cluster.crash("node2");
    cluster.awaitRing(Set.of("node1", "node3"));
    cluster.start("node2");
    cluster.awaitRing(Set.of("node1", "node2", "node3"));
    Set<String> hosts = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      hosts.add(Http.post(cluster.url("node1") + "/workers/counter/r" + i, "{\"add\":1}").json().get("node").asText());
    }
    assertTrue(hosts.contains("node2"), "node2 serves its share again: " + hosts);
  }
}
