package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection utility for links between nodes ({@link TestCluster#startSplittable}) cuts
 * what it says against real nodes: one link, and one node from everything.
 */
class NodeLinkCutTest {
  private static final long SESSION_MS = 3000;
  private TestCluster cluster;
  private final AtomicInteger keys = new AtomicInteger();

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private void startThreeSplittableNodes() throws Exception {
    // Partition mode consistent: a node that cannot reach an owner answers 503 rather than serving a
    // provisional worker (mode available), which makes the cut visible from outside.
    cluster = TestCluster.splittable("consistent");
  }

  /** A counter ID owned by node2 whose copy is on node3, so node1 takes no part in its writes. */
  private String ownedByNode2WithCopyOnNode3() {
    for (int i = 0; ; i++) {
      String id = "c" + i;
      JsonNode owner = Http.get(cluster.url("node3") + "/cluster/owner/counter/" + id).json();
      if (owner.get("owner").asText().equals("node2") && owner.get("replicas").toString().equals("[\"node3\"]")) {
        return id;
      }
    }
  }

  private Http.Reply add(String node, String id) {
    return Http.post(cluster.url(node) + "/workers/counter/" + id, "{\"add\":1}", "k" + keys.incrementAndGet());
  }

  @Test
  void aCutLinkStopsTrafficBetweenTwoNodesOnlyAndHealingRestoresIt() throws Exception {
    startThreeSplittableNodes();
    String id = ownedByNode2WithCopyOnNode3();
    assertEquals(200, add("node1", id).status(), "before the cut, node1 forwards to node2");

    cluster.cutLink("node1", "node2");
    Http.Reply viaNode1 = add("node1", id);
    assertEquals(503, viaNode1.status(), viaNode1.body());
    assertTrue(viaNode1.body().contains("owner_unreachable"), viaNode1.body());
    Http.Reply viaNode3 = add("node3", id);
    assertEquals(200, viaNode3.status(), viaNode3.body());
    assertEquals("node2", viaNode3.json().get("node").asText(), "node3 still reaches node2");
    assertEquals(Set.of("node1", "node2", "node3"), cluster.node("node1").ringNodes(),
        "a cut link is not a ZooKeeper partition: the ring stays");

    cluster.healLink("node1", "node2");
    Await.until("node1 reaches node2 again", Duration.ofSeconds(10), () -> add("node1", id).status() == 200);
  }

  @Test
  void anIsolatedNodeLeavesTheOthersRingAndRejoinsAfterHealing() throws Exception {
    startThreeSplittableNodes();
    long cut = System.nanoTime();
    cluster.isolate("node1");
    Await.until("node2 and node3 see a ring without node1", Duration.ofMillis(SESSION_MS + 5000),
        () -> Set.of("node2", "node3").stream()
            .allMatch(n -> cluster.node(n).ringNodes().equals(Set.of("node2", "node3"))));
    long goneAfterMs = (System.nanoTime() - cut) / 1_000_000;
    assertTrue(goneAfterMs >= SESSION_MS / 2, "node1 left after " + goneAfterMs + " ms, before its session could expire");

    cluster.healAll();
    cluster.awaitRing(Set.of("node1", "node2", "node3"));
  }
}
