package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET /cluster/history/{type}/{id}: where an ID was, in which epoch, since when, and why it moved. */
class OwnershipHistoryTest {
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private List<String> history(String from, String id) {
    JsonNode h = Http.get(cluster.url(from) + "/cluster/history/counter/" + id).json();
    List<String> out = new ArrayList<>();
    for (JsonNode e : h.get("history")) {
      out.add(e.get("node").asText() + " " + e.get("event").asText() + ": " + e.get("why").asText());
    }
    return out;
  }

  private String ownerOf(String id) {
    return Http.get(cluster.url("node1") + "/cluster/owner/counter/" + id).json().get("owner").asText();
  }

  @Test
  void theHistoryTellsActivationPassivationFailoverAndHandoff() throws Exception {
    cluster = TestCluster.of(3, Map.of("type.counter.idle-timeout-ms", "400"));
    // An ID that node2 owns now, and that moves to node4 when node4 joins later.
    String id = null;
    for (int i = 0; id == null; i++) {
      if (ownerOf("h" + i).equals("node2")) {
        id = "h" + i;
      }
    }
    assertEquals(200, Http.post(cluster.url("node1") + "/workers/counter/" + id, "{\"add\":1}").status());
    String first = id;
    Await.until("passivated", Duration.ofSeconds(5), () -> history("node1", first).size() == 2);
    assertEquals(List.of("node2 activated: new", "node2 stopped: passivated (idle)"), history("node3", id));

    assertEquals(200, Http.post(cluster.url("node1") + "/workers/counter/" + id, "{\"add\":1}").status());
    assertTrue(history("node1", id).get(2).startsWith("node2 activated: state kept after passivation"),
        history("node1", id).toString());

    cluster.crash("node2");
    cluster.awaitRing(Set.of("node1", "node3"));
    JsonNode r = Http.post(cluster.url("node1") + "/workers/counter/" + id, "{\"add\":1}").json();
    assertEquals(3, r.at("/reply/total").asLong());
    String heir = r.get("node").asText();
    List<String> after = history("node1", id);
    assertTrue(after.get(after.size() - 1).startsWith(heir + " activated: failover from node2"), after.toString());

    JsonNode view = Http.get(cluster.url("node3") + "/cluster/history/counter/" + id).json();
    assertEquals(heir, view.get("owner").asText());
    assertTrue(view.get("epoch").asLong() >= 4);
    for (JsonNode e : view.get("history")) {
      assertTrue(e.get("at").asLong() > 0 && e.get("epoch").asLong() > 0, e.toString());
    }
  }

  @Test
  void aMoveToAJoiningNodeIsAHandoff() throws Exception {
    cluster = TestCluster.of(3, Map.of());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ids.add("j" + i);
      assertEquals(200, Http.post(cluster.url("node1") + "/workers/counter/j" + i, "{\"add\":1}").status());
    }
    cluster.start("node4");
    cluster.awaitRing(Set.of("node1", "node2", "node3", "node4"));
    String moved = ids.stream().filter(i -> ownerOf(i).equals("node4")).findFirst().orElseThrow();
    String before = history("node1", moved).get(0).split(" ")[0];
    assertEquals(200, Http.post(cluster.url("node1") + "/workers/counter/" + moved, "{\"add\":1}").status());
    List<String> h = history("node4", moved);
    assertTrue(h.contains(before + " stopped: handed off (the ring gave it to another node)"), h.toString());
    assertTrue(h.get(h.size() - 1).startsWith("node4 activated: handoff from " + before), h.toString());
  }
}
