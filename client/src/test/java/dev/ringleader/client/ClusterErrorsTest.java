package dev.ringleader.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.call.CallError;
import dev.ringleader.call.CallException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Real nodes' answers through the client: typed replies, reads, request(id), and the errors as CallExceptions. */
class ClusterErrorsTest {
  private static CallException failure(CompletionStage<?> s) {
    CompletionException e = assertThrows(CompletionException.class, () -> s.toCompletableFuture().join());
    return (CallException) e.getCause();
  }

  @Test
  void repliesAndErrorsOfRealNodes() throws Exception {
    try (Nodes c = Nodes.started(2, Map.of("replication", "2"));
        RingleaderClient client = RingleaderClient.builder().seeds(c.url("node2"), c.url("node1"))
            .requestType("score").build()) {
      client.start();
      ScoreType.ScoreReply typed = client.ask("score", "e1", Map.of("reward", 4), ScoreType.ScoreReply.class)
          .toCompletableFuture().join();
      assertEquals(4, typed.score());
      Reply state = client.read("score", "e1").toCompletableFuture().join();
      assertEquals(4, state.value().path("score").asLong());
      assertEquals(client.owner("score", "e1").orElseThrow(), state.node());
      assertEquals(4, client.request("e1").toCompletableFuture().join().path("score").asLong());

      long attempts = client.stats().attempts();
      CallException bad = failure(client.ask("score", "e1", Map.of("nope", 1)));
      assertEquals(CallError.BAD_MESSAGE, bad.error());
      CallException crash = failure(client.ask("score", "e1", Map.of("reward", "a")));
      assertEquals(CallError.WORKER_CRASHED, crash.error());
      assertEquals(1, crash.restarts().orElseThrow());
      assertTrue(crash.getMessage().contains("restarted"), crash.getMessage());
      CallException unknown = failure(client.ask("nosuch", "e1", Map.of()));
      assertEquals(CallError.UNKNOWN_TYPE, unknown.error());
      assertEquals(404, unknown.status());
      assertEquals(attempts + 3, client.stats().attempts(), "none of them was retried");
      assertEquals(4, client.read("score", "e1").toCompletableFuture().join().value().path("score").asLong(),
          "the crash changed nothing");
    }
  }
}
