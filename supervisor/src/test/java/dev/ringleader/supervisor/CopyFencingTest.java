package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 10 for copies (docs/replication.md, scenario 2b): a backup keeps a copy only from the
 * node that owns the key in its ring, so an owner that lost the key while it was handling a change
 * gets that change refused instead of acknowledged into a lineage nobody continues.
 */
class CopyFencingTest {
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }


  /**
   * The interleaving of issue 11: node1 owns k (backup B, both at v1); its worker takes m1 and is
   * held; node1 is cut from ZooKeeper past its session; the ring drops it and B owns k, starting
   * from v1; then node1's commit of v2 reaches B, and B commits m2 as v2 of its own. Before the fence
   * B kept node1's v2 and answered "held" (m1 acknowledged), and B's own v2 went to the third node
   * (m2 acknowledged): m1 was in no lineage B continues. Now: every acknowledged change is in the state.
   */
  @Test
  void aCopyFromANodeThatLostTheKeyIsRefusedAndItsChangeIsNotAcknowledged() throws Exception {
    GateType gate = new GateType();
    cluster = new TestCluster(Map.of("replication", "2", "partition-mode", "consistent",
        "forward-timeout-ms", "12000", "route-wait-ms", "1000"),
        List.of(new CounterType(), new TickType(Duration.ofMinutes(1)), gate));
    cluster.startBehindProxy("node1");
    cluster.start("node2");
    cluster.start("node3");
    cluster.awaitRing(Set.of("node1", "node2", "node3"));
    String a = cluster.url("node1");
    String id = Await.value("an id owned by node1", Duration.ofSeconds(5), () -> {
      for (int i = 0; i < 200; i++) {
        if (Http.get(a + "/cluster/owner/gate/k" + i).json().get("owner").asText().equals("node1")) {
          return "k" + i;
        }
      }
      return null;
    });
    String backup = Http.get(a + "/cluster/owner/gate/" + id).json().get("replicas").get(0).asText();
    String b = cluster.url(backup);
    assertEquals(200, Http.post(a + "/workers/gate/" + id, "{\"add\":1}").status());

    CompletableFuture<Http.Reply> m1 = CompletableFuture.supplyAsync(
        () -> Http.post(a + "/workers/gate/" + id, "{\"add\":10,\"hold\":true}", "m1"));
    assertTrue(gate.entered.await(10, TimeUnit.SECONDS), "m1 reached node1's worker");
    cluster.zkProxies.get("node1").cut();
    Await.until("node2 and node3 see a ring without node1", Duration.ofSeconds(20), () ->
        cluster.node("node2").ringNodes().equals(Set.of("node2", "node3"))
            && cluster.node("node3").ringNodes().equals(Set.of("node2", "node3")));
    assertEquals(backup, Http.get(b + "/cluster/owner/gate/" + id).json().get("owner").asText());
    // B activates k from v1 (a read commits nothing).
    assertEquals(1, Http.get(b + "/workers/gate/" + id).json().at("/state/total").asLong());

    gate.open(); // node1 commits m1 as v2 and copies it to B under its old ring
    Http.Reply r1 = m1.get(20, TimeUnit.SECONDS);
    Http.Reply r2 = Http.post(b + "/workers/gate/" + id, "{\"add\":100}", "m2");
    assertEquals(200, r2.status(), r2.body());

    long acknowledged = 1 + 100 + (r1.status() == 200 ? 10 : 0);
    assertEquals(acknowledged, Http.get(b + "/workers/gate/" + id).json().at("/state/total").asLong(),
        "every acknowledged change is in the state B serves (m1: " + r1.status() + ")");
    assertNotEquals(200, r1.status(), "node1 no longer owns " + id + ": m1 must not be acknowledged: " + r1.body());
    assertEquals(503, r1.status(), r1.body());
    JsonNode copy = PeerCalls.fetch(cluster.node(backup), "gate", id).json();
    assertEquals(backup, copy.get("owner").asText(), "B keeps its own lineage: " + copy);
  }

  /** The receiving side alone: a PUT naming a node that does not own the key is refused, 409 not_owner. */
  @Test
  void aBackupRefusesACopyFromANodeThatIsNotTheOwnerInItsRing() throws Exception {
    cluster = TestCluster.of(3, Map.of("replication", "2"));
    String base = cluster.url("node1");
    assertEquals(1, Http.post(base + "/workers/counter/f", "{\"add\":1}").json().at("/reply/total").asLong());
    JsonNode owners = Http.get(base + "/cluster/owner/counter/f").json();
    String owner = owners.get("owner").asText();
    String backup = owners.get("replicas").get(0).asText();
    long epoch = owners.get("epoch").asLong();
    String notOwner = cluster.nodes.keySet().stream().filter(n -> !n.equals(owner)).findFirst().orElseThrow();

    String forged = "{\"version\":9,\"state\":{\"total\":{\"p\":{\"x\":40},\"n\":{}}},\"recentReplies\":{},"
        + "\"owner\":\"" + notOwner + "\",\"epoch\":" + epoch + ",\"incarnation\":7}";
    Http.Reply refused = PeerCalls.copy(cluster.node(backup), "counter", "f", forged);
    assertEquals(409, refused.status(), refused.body());
    assertEquals("not_owner", refused.json().get("error").asText());
    assertEquals(owner, refused.json().get("owner").asText());
    assertEquals(1, PeerCalls.fetch(cluster.node(backup), "counter", "f").json().get("version").asLong(),
        "the refused copy changed nothing");

    // A copy without epoch and incarnation (an older node's) is read with both 0, then fenced alike.
    String old = "{\"version\":9,\"state\":{\"total\":{\"p\":{\"x\":40},\"n\":{}}},\"recentReplies\":{},"
        + "\"owner\":\"" + notOwner + "\"}";
    assertEquals(409, PeerCalls.copy(cluster.node(backup), "counter", "f", old).status());

    // A copy from a ring newer than the backup's: the backup waits (bounded) for it, then decides by its own.
    long start = System.nanoTime();
    String future = forged.replace("\"owner\":\"" + notOwner + "\"", "\"owner\":\"" + owner + "\"")
        .replace("\"epoch\":" + epoch, "\"epoch\":" + (epoch + 50));
    Http.Reply waited = PeerCalls.copy(cluster.node(backup), "counter", "f", future);
    assertEquals(200, waited.status(), waited.body());
    assertEquals(9, waited.json().get("version").asLong());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0);

    // From a ring newer than the backup's, where the sender may own the key though the backup's ring
    // says otherwise: the backup cannot judge, so it answers a retryable 503, not a fencing 409 (a
    // 409 would make a legitimate new owner stop its worker as stale while the backup lags).
    String unjudgeable = forged.replace("\"version\":9", "\"version\":10")
        .replace("\"epoch\":" + epoch, "\"epoch\":" + (epoch + 60));
    Http.Reply lagging = PeerCalls.copy(cluster.node(backup), "counter", "f", unjudgeable);
    assertEquals(503, lagging.status(), lagging.body());
    assertEquals(9, PeerCalls.fetch(cluster.node(backup), "counter", "f").json().get("version").asLong(),
        "nothing kept");
  }
}
