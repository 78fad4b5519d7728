package dev.ringleader.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.call.CallException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Rewards through the client on a three-node cluster: every call reaches its owner first time (no
 * node's {@code ringleader_forwards_total} moves, no {@code 421}, each reply comes from the owner
 * the client computed); then, while rewards keep flowing, a node leaves gracefully, and the client
 * refreshes its ring and keeps succeeding, with no reward lost or counted twice (the sum of the
 * acknowledged rewards of each ID is its final score).
 */
class DirectRoutingTest {
  private static final int IDS = 30;

  @Test
  void callsGoStraightToTheOwnerAndSurviveALeave() throws Exception {
    try (Nodes c = Nodes.started(3, Map.of("replication", "2"));
        RingleaderClient client = RingleaderClient.builder().seeds(c.url("node1")).build()) {
      client.start();
      Map<String, Double> before = forwards(c);
      Map<String, AtomicLong> acked = new ConcurrentHashMap<>();

      // Phase 1: steady ring. 600 rewards, 16 in flight.
      List<String> wrongNode = rewards(client, 600, acked, true);
      assertEquals(List.of(), wrongNode, "replies from a node other than the client's owner");
      assertEquals(before, forwards(c), "no node forwarded a call");
      RingleaderClient.Stats s = client.stats();
      assertEquals(0, s.wrongOwner(), "no call reached a node that does not own it: " + s);
      assertEquals(600, s.attempts(), "one attempt per call: " + s);
      assertEquals(0, s.failed(), s.toString());
      // The metric does count forwards: one plain HTTP call to a node that does not own its ID moves it.
      String other = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "f-" + i)
          .filter(x -> !client.owner("score", x).orElseThrow().equals("node1")).findFirst().orElseThrow();
      Nodes.post(c.url("node1"), "/workers/score/" + other, "{\"reward\":0}");
      assertEquals(before.get("node1") + 1, Nodes.forwards(c.url("node1")), "a forward through node1 is counted");
      before = forwards(c);

      // Phase 2: node2 leaves gracefully while rewards keep coming; more after it is gone.
      long epochBefore = client.ringEpoch();
      CompletableFuture<Void> leave = CompletableFuture.runAsync(() -> c.leave("node2"));
      rewards(client, 400, acked, false);
      leave.join();
      c.awaitRing(Set.of("node1", "node3"));
      rewards(client, 300, acked, false);
      assertTrue(client.ringEpoch() > epochBefore, "the client refreshed its ring: " + client.ringEpoch());
      assertTrue(client.owner("score", "p-0").isPresent());
      assertTrue(java.util.stream.IntStream.range(0, IDS)
          .noneMatch(i -> "node2".equals(client.owner("score", "p-" + i).orElse(""))), "no ID routed to the node that left");

      // Nothing lost, nothing twice: each ID's score is the sum of its acknowledged rewards.
      Map<String, Long> want = new TreeMap<>();
      Map<String, Long> got = new TreeMap<>();
      for (int i = 0; i < IDS; i++) {
        String id = "p-" + i;
        want.put(id, acked.getOrDefault(id, new AtomicLong()).get());
        got.put(id, client.read("score", id).toCompletableFuture().join().value().path("score").asLong());
      }
      assertEquals(want, got);
      System.out.println("DirectRoutingTest: " + client.stats() + ", ring epoch " + epochBefore + " -> " + client.ringEpoch());
      assertEquals(0, client.stats().failed(), client.stats().toString());
    }
  }

  /**
   * Sends {@code n} rewards (1-9) to random IDs, 16 at a time; every one must succeed. Returns the
   * calls whose reply came from another node than the client's owner at send time (when {@code
   * checkNode}).
   */
  private static List<String> rewards(RingleaderClient client, int n, Map<String, AtomicLong> acked,
      boolean checkNode) throws InterruptedException {
    Semaphore slots = new Semaphore(16);
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      slots.acquire();
      String id = "p-" + ThreadLocalRandom.current().nextInt(IDS);
      int reward = ThreadLocalRandom.current().nextInt(1, 10);
      String owner = client.owner("score", id).orElse("?");
      all.add(client.ask("score", id, Map.of("reward", reward)).toCompletableFuture().whenComplete((r, e) -> {
        slots.release();
        if (e != null) {
          errors.add(e);
          return;
        }
        acked.computeIfAbsent(id, x -> new AtomicLong()).addAndGet(reward);
        if (checkNode && !owner.equals(r.node())) {
          wrong.add(id + " owner " + owner + " answered by " + r.node());
        }
      }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    if (!errors.isEmpty()) {
      Throwable first = RingleaderClient.unwrap(errors.peek());
      throw new AssertionError(errors.size() + " of " + n + " rewards failed, the first: " + first
          + (first instanceof CallException ce ? " (" + ce.error() + ")" : ""), first);
    }
    return new ArrayList<>(wrong);
  }

  private static Map<String, Double> forwards(Nodes c) throws Exception {
    Map<String, Double> out = new TreeMap<>();
    for (var e : c.nodes.entrySet()) {
      out.put(e.getKey(), Nodes.forwards(e.getValue().url()));
    }
    return out;
  }
}
