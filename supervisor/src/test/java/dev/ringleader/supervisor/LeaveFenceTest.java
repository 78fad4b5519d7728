package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.PartitionMode;
import dev.ringleader.worker.Step;
import dev.ringleader.worker.WorkerContext;
import dev.ringleader.worker.WorkerType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A graceful leave ends the node's session only behind a fence: a commit still waiting for its
 * backup when the session is about to end is never acknowledged, and its change is not handed over
 * later (docs/handoff.md, scenario 2).
 */
class LeaveFenceTest {
  private TestCluster cluster;
  private final ExecutorService clients = Executors.newSingleThreadExecutor();

  @AfterEach
  void close() throws Exception {
    clients.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The counter type, telling the test when a handler has run (its commit starts right after). */
  static final class Signalling implements WorkerType<CounterType.Counter> {
    private final CounterType counter = new CounterType();
    volatile CountDownLatch handled = new CountDownLatch(0);

    @Override public String name() { return counter.name(); }
    @Override public Class<CounterType.Counter> stateClass() { return counter.stateClass(); }
    @Override public CounterType.Counter initialState(WorkerContext c) { return counter.initialState(c); }
    @Override public Object view(CounterType.Counter s, WorkerContext c) { return counter.view(s, c); }
    @Override public PartitionMode partitionMode() { return PartitionMode.CONSISTENT; }

    @Override
    public Step<CounterType.Counter> handle(CounterType.Counter state, JsonNode message, WorkerContext c) {
      Step<CounterType.Counter> step = counter.handle(state, message, c);
      handled.countDown();
      return step;
    }
  }

  /**
   * Two nodes, R = 2. node1 owns the ID; its link to node2 is cut while a change commits, so the copy
   * hangs. node1 leaves: its budget (2 x session + forward timeout) runs out while the commit's retry
   * copy, under the ring without node1, is still held by the cut; the session ends. The link heals
   * right after: without a fence the held copy lands on node2, which now serves the ID with a change
   * that no client got a 200 for, and node1's commit completes as held after its names were gone.
   */
  @Test
  void aCommitCutOffByTheEndOfTheSessionIsNeverAcknowledgedNorHandedOver() throws Exception {
    Signalling type = new Signalling();
    cluster = new TestCluster(Map.of("replication", "2", "session-timeout-ms", "1500",
        "forward-timeout-ms", "5000", "route-wait-ms", "300"), List.of(type, new TickType(Duration.ofMinutes(1))));
    cluster.startSplittable("node1");
    cluster.startSplittable("node2");
    cluster.awaitRing(Set.of("node1", "node2"));
    String id = ownedByNode1();
    Http.Reply first = add("node1", id, 1, "first");
    assertEquals(200, first.status(), first.body());

    cluster.cutLink("node1", "node2");
    type.handled = new CountDownLatch(1);
    CompletableFuture<Http.Reply> second = CompletableFuture.supplyAsync(() -> add("node1", id, 10, "second"), clients);
    assertTrue(type.handled.await(10, TimeUnit.SECONDS), "the second change was handled");

    RingleaderNode leaving = cluster.nodes.remove("node1");
    Thread closer = new Thread(leaving::close, "test-leave");
    closer.start();
    Await.until("node1's session ended", Duration.ofSeconds(40),
        () -> !exists(cluster.root() + "/members/node1"));
    cluster.healLink("node1", "node2");

    Http.Reply reply = second.get(40, TimeUnit.SECONDS);
    assertNotEquals(200, reply.status(), "the change was acknowledged: " + reply.body());
    closer.join(40_000);

    // Whatever node1 had sent is delivered now; node2 must not take it (past its deadline, or never sent).
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < until) {
      Http.Reply read = Http.get(cluster.url("node2") + "/workers/counter/" + id);
      assertEquals(200, read.status(), read.body());
      assertEquals(1, read.json().path("state").path("total").asLong(), "a change never acknowledged: " + read.body());
    }
  }

  private boolean exists(String path) {
    try {
      return cluster.observer().checkExists().forPath(path) != null;
    } catch (Exception e) {
      return true;
    }
  }

  private String ownedByNode1() {
    for (int i = 0; ; i++) {
      String id = "f" + i;
      JsonNode owner = Http.get(cluster.url("node2") + "/cluster/owner/counter/" + id).json();
      if (owner.get("owner").asText().equals("node1")) {
        return id;
      }
    }
  }

  private Http.Reply add(String node, String id, int n, String key) {
    return Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.url(node) + "/workers/counter/" + id))
        .header("Content-Type", "application/json").header("Idempotency-Key", key)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"add\":" + n + "}")));
  }
}
