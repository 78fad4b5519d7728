package dev.ringleader.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.call.CallError;
import dev.ringleader.call.CallException;
import dev.ringleader.client.ScriptedNode.Answer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's retry rules, against a node whose answers are scripted (real HTTP on loopback). */
class RetryRulesTest {
  private ScriptedNode node;
  private RingleaderClient client;

  @BeforeEach
  void start() {
    node = new ScriptedNode();
    client = RingleaderClient.builder().seeds(node.url).maxAttempts(4).backoff(Duration.ofMillis(5), Duration.ofMillis(40))
        .callTimeout(Duration.ofSeconds(5)).attemptTimeout(Duration.ofSeconds(2)).ringRefresh(Duration.ofHours(1))
        .build();
    client.start();
  }

  @AfterEach
  void stop() {
    client.close();
    node.close();
  }

  private static CallException failure(CompletableFuture<?> f) {
    CompletionException e = assertThrows(CompletionException.class, f::join);
    assertTrue(e.getCause() instanceof CallException, "not a CallException: " + e.getCause());
    return (CallException) e.getCause();
  }

  @Test
  void retryableAnswersAreRetriedWithTheSameKeyAndTheSnapshotEpoch() {
    node.script(Answer.error(503, "not_acknowledged", "1"), Answer.error(504, "timeout", "1"), Answer.ok("{\"score\":7}"));
    Reply r = client.ask("score", "x", Map.of("reward", 7)).toCompletableFuture().join();
    assertEquals(7, r.value().path("score").asLong());
    assertEquals("s1", r.node());
    assertEquals(3, node.posts());
    assertEquals(1, Set.copyOf(node.keys).size(), "one key for every attempt: " + node.keys);
    assertTrue(node.keys.get(0).startsWith("rc-"), node.keys.toString());
    assertEquals(Set.of("1"), Set.copyOf(node.epochs));
    // A second call gets a key of its own.
    client.ask("score", "x", Map.of("reward", 1)).toCompletableFuture().join();
    assertEquals(2, Set.copyOf(node.keys).size());
  }

  @Test
  void theCallersOwnKeyIsSentAndKept() {
    node.script(Answer.error(503, "mailbox_full", "1"), Answer.ok("{\"score\":1}"));
    client.ask("score", "x", Map.of("reward", 1), "my-key-1", Duration.ofSeconds(3)).toCompletableFuture().join();
    assertEquals(java.util.List.of("my-key-1", "my-key-1"), node.keys);
  }

  @Test
  void clientErrorsAndCrashesAreNotRetried() {
    node.script(Answer.error(400, "bad_message", null));
    CallException bad = failure(client.ask("score", "x", Map.of("nope", 1)).toCompletableFuture());
    assertEquals(CallError.BAD_MESSAGE, bad.error());
    assertEquals(400, bad.status());
    assertEquals("scripted bad_message", bad.getMessage());
    assertEquals(1, node.posts());

    node.script(new Answer(500, "{\"error\":\"worker_crashed\",\"message\":\"boom\",\"restarts\":2}", null));
    CallException crash = failure(client.ask("score", "x", Map.of("reward", "a")).toCompletableFuture());
    assertEquals(CallError.WORKER_CRASHED, crash.error());
    assertEquals(2, crash.restarts().getAsInt());
    assertEquals(2, node.posts());
  }

  @Test
  void retriesStopAtMaxAttemptsWithTheLastAnswer() {
    node.script(Answer.error(503, "below_min_nodes", "3"));
    CallException e = failure(client.ask("score", "x", Map.of("reward", 1)).toCompletableFuture());
    assertEquals(CallError.BELOW_MIN_NODES, e.error());
    assertEquals(Duration.ofSeconds(3), e.retryAfter().orElseThrow());
    assertEquals(4, node.posts(), "maxAttempts is 4");
  }

  @Test
  void anEmptyBodied503IsNotServingAndRetried() {
    node.script(new Answer(503, "", null), Answer.ok("{\"score\":2}"));
    assertEquals(2, client.ask("score", "x", Map.of("reward", 2)).toCompletableFuture().join().value().path("score").asLong());
    assertEquals(2, node.posts());
  }

  @Test
  void wrongOwnerRefreshesTheSnapshotAndRetries() {
    int before = node.clusterGets.get();
    node.epoch = 5;
    node.script(new Answer(421, "{\"error\":\"wrong_owner\",\"message\":\"not mine\",\"epoch\":5}", "1"),
        Answer.ok("{\"score\":3}"));
    client.ask("score", "x", Map.of("reward", 3)).toCompletableFuture().join();
    assertTrue(node.clusterGets.get() > before, "a 421 refreshes the snapshot");
    assertEquals(5, client.ringEpoch());
    assertEquals(java.util.List.of("1", "5"), node.epochs, "the retry carries the refreshed epoch");
    assertEquals(1, client.stats().wrongOwner());
  }

  @Test
  void aSilentNodeTimesOutWithinTheCallTimeout() {
    try (RingleaderClient quick = RingleaderClient.builder().seeds(node.url).maxAttempts(10)
        .callTimeout(Duration.ofMillis(900)).attemptTimeout(Duration.ofMillis(300))
        .backoff(Duration.ofMillis(5), Duration.ofMillis(20)).build()) {
      quick.start();
      node.script(Answer.HOLD);
      long t0 = System.nanoTime();
      CallException e = failure(quick.ask("score", "x", Map.of("reward", 1)).toCompletableFuture());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(CallError.TIMEOUT, e.error());
      assertTrue(ms >= 850 && ms < 3000, "took " + ms + " ms");
      assertTrue(node.posts() >= 2 && node.posts() <= 4, "attempts of 300 ms in 900 ms: " + node.posts());
    }
  }

  @Test
  void callsBeyondMaxInFlightFailAtOnce() {
    try (RingleaderClient small = RingleaderClient.builder().seeds(node.url).maxInFlight(2)
        .callTimeout(Duration.ofSeconds(2)).attemptTimeout(Duration.ofSeconds(2)).build()) {
      small.start();
      node.script(Answer.HOLD);
      CompletableFuture<Reply> a = small.ask("score", "x", Map.of("reward", 1)).toCompletableFuture();
      CompletableFuture<Reply> b = small.ask("score", "y", Map.of("reward", 1)).toCompletableFuture();
      CallException third = failure(small.ask("score", "z", Map.of("reward", 1)).toCompletableFuture());
      assertEquals(CallError.TOO_MANY_CALLS, third.error());
      assertEquals(1, small.stats().rejected());
      small.close();
      assertEquals(CallError.UNREACHABLE, failure(a).error(), "close fails the calls in flight");
      assertNotNull(failure(b));
    }
  }

  @Test
  void anUnreachableOwnerIsRetriedThenReported() {
    node.close(); // the only node is gone: connections are refused
    CallException e = failure(client.ask("score", "x", Map.of("reward", 1)).toCompletableFuture());
    assertEquals(CallError.UNREACHABLE, e.error());
    assertTrue(e.getMessage().contains("s1"), e.getMessage());
    assertEquals(4, client.stats().attempts());
  }
}
