package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import dev.ringleader.worker.WorkerKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Scenario 2c of docs/replication.md: after a worker's first commit, its copies carry only the reply
 * their change added, and the backup's window is rebuilt exactly (every key, in order, the oldest
 * evicted past the window); a delta whose base the backup lacks is refused (412) and changes nothing,
 * and the owner then sends the whole copy.
 */
class DeltaCopyTest {
  private TestCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The copies a node sent, of one kind ({@code whole}, {@code delta}, {@code delta_refused}), from its /metrics. */
  static long copies(String metrics, String kind) {
    Matcher m = Pattern.compile("ringleader_copies_total\\{[^}]*kind=\"" + kind + "\"[^}]*\\} ([0-9.E]+)").matcher(metrics);
    long total = 0;
    while (m.find()) {
      total += (long) Double.parseDouble(m.group(1));
    }
    return total;
  }

  @Test
  void copiesAfterTheFirstCarryOneReplyAndTheBackupsWindowIsTheOwners() throws Exception {
    cluster = TestCluster.of(2, Map.of("replication", "2", "idempotency-window", "4"));
    String base = cluster.url("node1");
    JsonNode owners = Http.get(base + "/cluster/owner/counter/d").json();
    String owner = owners.get("owner").asText();
    String backup = owners.get("replicas").get(0).asText();
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      keys.add("k" + i);
      Http.Reply r = Http.post(cluster.url(owner) + "/workers/counter/d", "{\"add\":" + i + "}", "k" + i);
      assertEquals(200, r.status(), r.body());
    }
    JsonNode copy = PeerCalls.fetch(cluster.node(backup), "counter", "d").json();
    assertEquals(21, copy.at("/state/total/p").elements().next().asLong(), "the whole state: " + copy);
    List<String> window = new ArrayList<>();
    copy.get("recentReplies").fieldNames().forEachRemaining(window::add);
    assertEquals(keys.subList(2, 6), window, "the last 4 keys, oldest first, as the owner keeps them");
    String metrics = Http.get(cluster.url(owner) + "/metrics").body();
    assertTrue(copies(metrics, "delta") >= 5, "the copies after the first are deltas: " + copies(metrics, "delta"));
    // A retry of k6 on the backup after a failover would be answered from this window: check it is k6's reply.
    assertEquals(21, copy.get("recentReplies").get("k6").get("total").asLong());

    // A delta that does not follow the backup's copy is refused and changes nothing.
    String stray = "{\"version\":99,\"state\":{\"total\":{\"p\":{\"x\":1000},\"n\":{}}},\"owner\":\"" + owner
        + "\",\"epoch\":1,\"incarnation\":1,\"key\":\"evil\",\"reply\":{\"total\":1000},\"window\":4}";
    Http.Reply refused = PeerCalls.delta(cluster.node(backup), "counter", "d", stray);
    assertEquals(412, refused.status(), refused.body());
    assertEquals("base_missing", refused.json().get("error").asText());
    assertEquals(copy.get("version").asLong(), PeerCalls.fetch(cluster.node(backup), "counter", "d").json()
        .get("version").asLong(), "nothing kept");
    Http.Reply garbage = PeerCalls.delta(cluster.node(backup), "counter", "d", "{\"version\":7}");
    assertEquals(400, garbage.status(), garbage.body());
    // A node of an older build sends its copies as JSON text and fetches with an empty body: it is
    // understood, and answered in JSON (docs/replication.md, "Encoding").
    long v = copy.get("version").asLong();
    String older = "{\"version\":" + (v + 1) + ",\"state\":" + copy.get("state") + ",\"owner\":\"" + owner
        + "\",\"epoch\":" + copy.get("epoch") + ",\"incarnation\":" + copy.get("incarnation")
        + ",\"key\":\"k7\",\"reply\":{\"total\":21},\"window\":4}";
    Http.Reply text = PeerCalls.send(cluster.node(backup), PeerRequest.of(PeerOp.COPY_DELTA,
        new WorkerKey("counter", "d"), -1, older.getBytes(StandardCharsets.UTF_8)));
    assertEquals(200, text.status(), text.body());
    assertEquals(v + 1, text.json().get("version").asLong(), "the answer is JSON text: " + text.body());
    Http.Reply plainFetch = PeerCalls.send(cluster.node(backup), PeerRequest.of(PeerOp.FETCH,
        new WorkerKey("counter", "d"), -1, null));
    assertEquals(v + 1, plainFetch.json().get("version").asLong(), "a FETCH without the Smile header gets JSON");
    assertTrue(plainFetch.json().get("recentReplies").has("k7"));
  }
}
