package dev.ringleader.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A stale snapshot is corrected by {@code 421 wrong_owner}, not by a forward: the client's periodic
 * refresh is off (1 h), a third node joins, and calls for the IDs that moved reach their old owner
 * with the old epoch; that node answers 421, the client refreshes and retries on the new owner.
 * Every call succeeds, the replies come from the owners the nodes name, and no node forwards.
 */
class WrongOwnerTest {
  @Test
  void aJoinIsLearntFromWrongOwnerAnswers() throws Exception {
    try (Nodes c = Nodes.started(2, Map.of("replication", "2"));
        RingleaderClient client = RingleaderClient.builder().seeds(c.url("node1")).ringRefresh(Duration.ofHours(1))
            .build()) {
      client.start();
      long stale = client.ringEpoch();
      for (int i = 0; i < 60; i++) {
        client.ask("score", "w-" + i, Map.of("reward", 1)).toCompletableFuture().join();
      }
      c.start("node3", Map.of());
      c.awaitRing(c.nodes.keySet());
      assertEquals(stale, client.ringEpoch(), "no refresh without a reason");
      Map<String, Double> before = new TreeMap<>();
      for (var e : c.nodes.entrySet()) {
        before.put(e.getKey(), Nodes.forwards(e.getValue().url()));
      }
      List<String> wrong = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String id = "w-" + i;
        Reply r = client.ask("score", id, Map.of("reward", 1)).toCompletableFuture().join();
        assertEquals(2, r.value().path("score").asLong(), id);
        String owner = Nodes.get(c.url("node2"), "/cluster/owner/score/" + id).path("owner").asText();
        if (!owner.equals(r.node())) {
          wrong.add(id + ": owner " + owner + ", answered by " + r.node());
        }
      }
      assertEquals(List.of(), wrong);
      assertTrue(client.stats().wrongOwner() > 0, "IDs that moved to node3 were learnt from 421s: " + client.stats());
      assertTrue(client.ringEpoch() > stale);
      Map<String, Double> after = new TreeMap<>();
      for (var e : c.nodes.entrySet()) {
        after.put(e.getKey(), Nodes.forwards(e.getValue().url()));
      }
      assertEquals(before, after, "a wrong owner answers 421 and does not forward the client's call");
    }
  }
}
