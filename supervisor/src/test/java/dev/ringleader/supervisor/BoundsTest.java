package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.supervisor.internal.http.BodyReader;
import dev.ringleader.supervisor.internal.http.HttpApi;
import dev.ringleader.supervisor.internal.replication.Rebalancer;
import dev.ringleader.supervisor.internal.replication.Replication;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** STYLE 7: the dashboard cache, the batches of a rebalance and the size of a batch are bounded. */
class BoundsTest {
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void dashboardMissesAreNotCached() throws Exception {
    cluster = TestCluster.of(1, Map.of());
    String base = cluster.url("node1");
    assertEquals(200, Http.get(base + "/").status());
    for (int i = 0; i < 300; i++) {
      String name = "x" + UUID.randomUUID().toString().substring(0, 8) + ".js";
      assertEquals(404, Http.get(base + "/dashboard/" + name).status());
    }
    assertEquals(200, Http.get(base + "/dashboard/app.js").status());
    assertTrue(HttpApi.dashboardCacheSize() <= 3, "only the dashboard's own files are cached: "
        + HttpApi.dashboardCacheSize());
  }

  /**
   * A rebalance of many copies to one peer: the receiving node sees at most
   * {@link Rebalancer#MAX_BATCHES_IN_FLIGHT} of its batches at a time (each batch is held on the
   * receiver until more arrive or 300 ms pass, so an unbounded sender shows), parsed off its IO threads.
   */
  @Test
  void aRebalanceSendsABoundedNumberOfBatchesToAPeerAtATimeAndTheyAreParsedOffTheIoThreads()
      throws Exception {
    cluster = TestCluster.of(2, Map.of("replication", "2"));
    int copies = 10 * Replication.BATCH;
    for (int b = 0; b < 10; b++) {
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < Replication.BATCH; i++) {
        int n = b * Replication.BATCH + i;
        batch.append(i == 0 ? "" : ",").append("{\"type\":\"counter\",\"id\":\"c").append(n)
            .append("\",\"version\":1,\"state\":{\"total\":{\"p\":{\"t\":1},\"n\":{}}},\"recentReplies\":{},")
            .append("\"owner\":\"node2\",\"epoch\":1,\"incarnation\":1}");
      }
      assertEquals(200, PeerCalls.batch(cluster.node("node2"), batch.append("]").toString()).status());
    }

    AtomicInteger inside = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    AtomicInteger received = new AtomicInteger();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    Object monitor = new Object();
    cluster.node("node1").replication().onBatch(() -> {
      threads.add(Thread.currentThread().getName());
      received.incrementAndGet();
      int now = inside.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);
      synchronized (monitor) {
        monitor.notifyAll();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        try {
          while (inside.get() <= Rebalancer.MAX_BATCHES_IN_FLIGHT && System.nanoTime() < deadline) {
            monitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      inside.decrementAndGet();
    });
    cluster.node("node2").rebalancer().rereplicate().get(60, TimeUnit.SECONDS);

    assertEquals(10, received.get(), "every batch reached node1");
    assertTrue(peak.get() <= Rebalancer.MAX_BATCHES_IN_FLIGHT, "at most " + Rebalancer.MAX_BATCHES_IN_FLIGHT
        + " batches in flight to one peer, saw " + peak.get());
    assertTrue(threads.stream().noneMatch(t -> t.contains("I/O") || t.contains("-peer-")),
        "parsed off the IO threads: " + threads);
    assertEquals(200, PeerCalls.fetch(cluster.node("node1"), "counter", "c" + (copies - 1)).status());
  }

  @Test
  void aBatchUpToTheLimitIsKeptALargerOneGets413AndTheNodeKeepsServing() throws Exception {
    cluster = TestCluster.of(2, Map.of("replication", "2"));
    String base = cluster.url("node1");
    String copy = "{\"type\":\"counter\",\"id\":\"big\",\"version\":1,\"state\":{\"pad\":\"" + "x".repeat(1 << 20)
        + "\"},\"recentReplies\":{}}";
    // Three copies of 1 MB in one frame: within the limit.
    String fits = "[" + String.join(",", java.util.Collections.nCopies(3, copy)) + "]";
    Http.Reply kept = PeerCalls.batch(cluster.node("node1"), fits);
    assertEquals(200, kept.status(), kept.body());
    String batch = "[" + String.join(",", java.util.Collections.nCopies(9, copy)) + "]";
    assertTrue(batch.length() > BodyReader.INTERNAL_MAX_BYTES);
    Http.Reply tooLarge = PeerCalls.batch(cluster.node("node1"), batch);
    assertEquals(413, tooLarge.status(), tooLarge.body());
    assertEquals("body_too_large", tooLarge.json().get("error").asText());
    assertEquals(200, Http.get(base + "/health").status());
    Await.until("the node keeps serving", Duration.ofSeconds(5),
        () -> Http.post(base + "/workers/counter/after", "{\"add\":1}").status() == 200);
  }

}
