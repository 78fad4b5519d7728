package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * docs/replication.md scenario 2c: an owner keeps its commit in its own store before the backups hold
 * it, but shows other nodes (a {@code FETCH} at another node's activation) only the copy it replaced
 * until they do. Else a commit that is then refused and rolled back (its client told it failed, and
 * retrying) could start a new owner's worker elsewhere and be counted twice.
 */
class UnheldCommitTest {
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private long copiesSent(String node) {
    String metrics = Http.get(cluster.url(node) + "/metrics").body();
    return DeltaCopyTest.copies(metrics, "whole") + DeltaCopyTest.copies(metrics, "delta");
  }

  private static JsonNode fetched(RingleaderNode node, String id) {
    Http.Reply r = PeerCalls.fetch(node, "counter", id);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  /** The counter's total in a fetched copy: the sum of its PN-counter's p entries minus its n entries. */
  private static long total(JsonNode copy) {
    long sum = 0;
    for (JsonNode v : copy.at("/state/total/p")) {
      sum += v.asLong();
    }
    for (JsonNode v : copy.at("/state/total/n")) {
      sum -= v.asLong();
    }
    return sum;
  }

  @Test
  void aCommitStillBeingCopiedIsFetchedAsTheCopyBeforeItUntilTheBackupHoldsIt() throws Exception {
    cluster = new TestCluster(Map.of("replication", "2", "forward-timeout-ms", "20000", "route-wait-ms", "300"),
        List.of(new CounterType(), new TickType(Duration.ofMinutes(1))));
    for (String id : List.of("node1", "node2", "node3")) {
      cluster.startSplittable(id);
    }
    cluster.awaitRing(Set.of("node1", "node2", "node3"));
    String a = cluster.url("node1");
    String id = Await.value("an id owned by node1", Duration.ofSeconds(5), () -> {
      for (int i = 0; i < 200; i++) {
        if (Http.get(a + "/cluster/owner/counter/u" + i).json().get("owner").asText().equals("node1")) {
          return "u" + i;
        }
      }
      return null;
    });
    String backup = Http.get(a + "/cluster/owner/counter/" + id).json().get("replicas").get(0).asText();
    assertEquals(200, Http.post(a + "/workers/counter/" + id, "{\"add\":1}", "m0").status());
    assertEquals(1, fetched(cluster.node("node1"), id).get("version").asLong());

    long sent = copiesSent("node1");
    cluster.holdLink("node1", backup);
    CompletableFuture<Http.Reply> m1 = CompletableFuture.supplyAsync(
        () -> Http.post(a + "/workers/counter/" + id, "{\"add\":10}", "m1"));
    Await.until("node1 sent the copy of v2", Duration.ofSeconds(10), () -> copiesSent("node1") > sent);
    JsonNode during = fetched(cluster.node("node1"), id);
    assertEquals(1, during.get("version").asLong(), "v2 is not held yet: a FETCH gets v1: " + during);
    assertEquals(1, total(during), "v1's state: " + during);

    cluster.releaseLink("node1", backup);
    Http.Reply r1 = m1.get(30, TimeUnit.SECONDS);
    assertEquals(200, r1.status(), r1.body());
    JsonNode after = fetched(cluster.node("node1"), id);
    assertEquals(2, after.get("version").asLong(), "held: a FETCH gets v2: " + after);
    assertEquals(11, total(after), "v2's state: " + after);
    assertEquals(2, fetched(cluster.node(backup), id).get("version").asLong(), "the backup holds v2");
    assertEquals(11, Http.get(a + "/workers/counter/" + id).json().at("/state/total").asLong());
  }
}
