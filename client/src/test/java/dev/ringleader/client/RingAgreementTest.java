package dev.ringleader.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ring the client computes from {@code GET /cluster} is the cluster's: for many IDs its owner
 * equals what a node answers to {@code GET /cluster/owner/{type}/{id}} (weights and a non-default
 * vnodes included, so both are read, not assumed).
 */
class RingAgreementTest {
  @Test
  void theClientsOwnersAreTheNodesOwners() throws Exception {
    try (Nodes c = new Nodes(Map.of("vnodes", "300"))) {
      c.start("node1", Map.of("weight", "1"));
      c.start("node2", Map.of("weight", "2"));
      c.start("node3", Map.of("weight", "3"));
      c.awaitRing(c.nodes.keySet());
      try (RingleaderClient client = RingleaderClient.builder().seeds(c.url("node2")).build()) {
        client.start();
        String ask = c.url("node1");
        long epoch = Nodes.get(ask, "/cluster").path("ring").path("epoch").asLong();
        assertEquals(epoch, client.ringEpoch());
        Map<String, Integer> perNode = new java.util.TreeMap<>();
        for (int i = 0; i < 600; i++) {
          String id = "id-" + i;
          JsonNode owner = Nodes.get(ask, "/cluster/owner/score/" + id);
          assertEquals(owner.path("owner").asText(), client.owner("score", id).orElseThrow(), "owner of " + id);
          perNode.merge(owner.path("owner").asText(), 1, Integer::sum);
        }
        assertEquals(3, perNode.size(), "every node owns some of 600 IDs: " + perNode);
      }
    }
  }
}
