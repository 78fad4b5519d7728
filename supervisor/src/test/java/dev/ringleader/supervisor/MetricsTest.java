package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /metrics is Prometheus text with the counters an operator needs, and they move. */
class MetricsTest {
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static double value(String scrape, String prefix) {
    double total = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(prefix)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  @Test
  void countersAndGaugesReflectWhatHappened() throws Exception {
    cluster = TestCluster.of(3, Map.of());
    for (int i = 0; i < 30; i++) {
      assertEquals(200, Http.post(cluster.url("node1") + "/workers/counter/m" + i, "{\"add\":1}").status());
    }
    assertEquals(500, Http.post(cluster.url("node1") + "/workers/counter/m0", "{\"add\":\"x\"}").status());
    cluster.start("node4");
    cluster.awaitRing(Set.of("node1", "node2", "node3", "node4"));
    for (int i = 0; i < 30; i++) {
      assertEquals(200, Http.post(cluster.url("node1") + "/workers/counter/m" + i, "{\"add\":1}").status());
    }
    double activations = 0;
    double restarts = 0;
    double handoffsIn = 0;
    double handoffsOut = 0;
    for (String node : cluster.nodes.keySet()) {
      Http.Reply r = Http.get(cluster.url(node) + "/metrics");
      assertEquals(200, r.status());
      String text = r.body();
      for (String name : new String[] {"ringleader_requests_seconds_bucket", "ringleader_workers_live",
          "ringleader_ring_epoch", "ringleader_leader", "ringleader_zookeeper_connected", "ringleader_members"}) {
        assertTrue(text.contains(name), node + " lacks " + name);
      }
      assertEquals(4, value(text, "ringleader_members{"), node);
      activations += value(text, "ringleader_activations_total{");
      restarts += value(text, "ringleader_restarts_total{");
      handoffsIn += value(text, "ringleader_handoffs_total{direction=\"in\"");
      handoffsOut += value(text, "ringleader_handoffs_total{direction=\"out\"");
    }
    assertTrue(activations >= 30, "activations " + activations);
    assertEquals(1, restarts);
    assertTrue(handoffsIn >= 1 && handoffsOut >= handoffsIn, "handoffs in " + handoffsIn + ", out " + handoffsOut);
    String node1 = Http.get(cluster.url("node1") + "/metrics").body();
    assertTrue(value(node1, "ringleader_forwards_total{") >= 20, "node1 forwarded most of the 60 requests");
  }
}
