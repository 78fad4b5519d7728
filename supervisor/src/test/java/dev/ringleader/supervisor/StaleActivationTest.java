package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a backup already holds a newer version written by another activation (this node was paused
 * or cut off past its session), the change is not acknowledged and this activation stops; the next
 * request starts from the newest state. (A copy from a node that is not the owner is refused
 * outright: CopyFencingTest.)
 */
class StaleActivationTest {
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }


  @Test
  void aBackupHoldingAnotherActivationsNewerVersionStopsTheStaleWorker() throws Exception {
    cluster = TestCluster.of(3, Map.of("replication", "2"));
    String base = cluster.url("node1");
    assertEquals(1, Http.post(base + "/workers/counter/s", "{\"add\":1}").json().at("/reply/total").asLong());
    JsonNode owners = Http.get(base + "/cluster/owner/counter/s").json();
    String backup = owners.get("replicas").get(0).asText();

    // Another activation of the ID on its owner's node (one this node's worker never heard of, as
    // after a pause past the session) committed version 50; of two copies of one version, the
    // backup keeps the later in the order of copies (here: the higher incarnation), whatever arrives first.
    String owner = owners.get("owner").asText();
    long epoch = owners.get("epoch").asLong();
    String ghost = "{\"version\":50,\"state\":{\"total\":{\"p\":{\"ghost\":40},\"n\":{}}},\"recentReplies\":{},"
        + "\"owner\":\"" + owner + "\",\"epoch\":" + epoch + ",\"incarnation\":2}";
    JsonNode kept = PeerCalls.copy(cluster.node(backup), "counter", "s", ghost).json();
    assertEquals(50, kept.get("version").asLong());
    assertEquals(2, kept.get("incarnation").asLong());
    String other = ghost.replace("\"ghost\":40", "\"other\":7").replace("\"incarnation\":2", "\"incarnation\":1");
    assertEquals(2, PeerCalls.copy(cluster.node(backup), "counter", "s", other).json().get("incarnation").asLong());

    // The live worker (version 1) commits version 2: the backup holds 50 of another activation. Not held.
    Http.Reply stale = Http.post(base + "/workers/counter/s", "{\"add\":1}");
    assertEquals(503, stale.status(), stale.body());
    assertEquals("not_acknowledged", stale.json().get("error").asText());
    // The owner keeps its last acknowledged copy (version 1): the refused version 2 had replaced it
    // in its store, and dropping that without putting version 1 back lost it there (a rolling
    // restart then started a new owner from an older copy: acknowledged updates lost).
    Http.Reply own = PeerCalls.fetch(cluster.node(owner), "counter", "s");
    assertEquals(200, own.status(), own.body());
    assertEquals(1, own.json().get("version").asLong(), own.body());
    Await.until("the stale worker stops", java.time.Duration.ofSeconds(5), () ->
        Http.get(cluster.url(owners.get("owner").asText()) + "/node/history/counter/s").body().contains("stale"));
    // The next activation starts from the newest copy (the other activation's 40) and goes on from there.
    Http.Reply next = Http.post(base + "/workers/counter/s", "{\"add\":1}");
    assertEquals(200, next.status(), next.body());
    assertEquals(41, next.json().at("/reply/total").asLong());
    assertTrue(Http.get(base + "/cluster/history/counter/s").body().contains("(version 50)"));
  }
}
