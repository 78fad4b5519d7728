package dev.ringleader.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.call.CallError;
import dev.ringleader.call.CallException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The builder refuses bad settings naming them; the life cycle is LATENT, STARTED, CLOSED. */
class BuilderTest {
  private static void refused(String setting, Runnable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
    assertTrue(e.getMessage().startsWith(setting), "'" + e.getMessage() + "' should name " + setting);
  }

  @Test
  void badSettingsAreRefusedByName() {
    refused("seeds", () -> RingleaderClient.builder().build());
    refused("seeds", () -> RingleaderClient.builder().seeds("ftp://x:1"));
    refused("seeds", () -> RingleaderClient.builder().seeds("http://127.0.0.1:8081/workers"));
    refused("seeds", () -> RingleaderClient.builder().seeds(List.of()));
    refused("callTimeout", () -> RingleaderClient.builder().callTimeout(Duration.ZERO));
    refused("attemptTimeout", () -> RingleaderClient.builder().attemptTimeout(Duration.ofMillis(-1)));
    refused("attemptTimeout", () -> RingleaderClient.builder().seeds("http://127.0.0.1:1")
        .callTimeout(Duration.ofSeconds(1)).attemptTimeout(Duration.ofSeconds(2)).build());
    refused("maxAttempts", () -> RingleaderClient.builder().maxAttempts(0));
    refused("backoff initial", () -> RingleaderClient.builder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    refused("ringRefresh", () -> RingleaderClient.builder().ringRefresh(Duration.ofMillis(1)));
    refused("maxInFlight", () -> RingleaderClient.builder().maxInFlight(0));
    refused("requestType", () -> RingleaderClient.builder().requestType("a/b"));
    refused("objectMapper", () -> RingleaderClient.builder().objectMapper(null));
    refused("ioThreads", () -> RingleaderClient.builder().ioThreads(0));
  }

  @Test
  void startFailsClearlyWhenNoSeedAnswers() {
    int port = Nodes.freePort();
    RingleaderClient client = RingleaderClient.builder().seeds("http://127.0.0.1:" + port)
        .callTimeout(Duration.ofSeconds(3)).attemptTimeout(Duration.ofSeconds(1)).build();
    CallException e = assertThrows(CallException.class, client::start);
    assertEquals(CallError.UNREACHABLE, e.error());
    assertTrue(e.getMessage().contains("no node answered GET /cluster") && e.getMessage().contains(":" + port),
        e.getMessage());
    assertThrows(IllegalStateException.class, client::start, "a failed start closes the client");
  }

  @Test
  void lifeCycle() {
    try (ScriptedNode node = new ScriptedNode()) {
      RingleaderClient client = RingleaderClient.builder().seeds(node.url).build();
      assertThrows(IllegalStateException.class, () -> client.ask("score", "x", Map.of()), "before start");
      client.start();
      IllegalStateException twice = assertThrows(IllegalStateException.class, client::start);
      assertTrue(twice.getMessage().contains("only once"), twice.getMessage());
      assertEquals(1, client.ringEpoch());
      assertEquals("s1", client.owner("score", "x").orElseThrow());
      client.close();
      client.close(); // idempotent
      IllegalStateException after = assertThrows(IllegalStateException.class, () -> client.read("score", "x"));
      assertTrue(after.getMessage().contains("CLOSED"), after.getMessage());
    }
  }

  @Test
  void badIdsFailTheStageWithoutBeingSent() {
    try (ScriptedNode node = new ScriptedNode(); RingleaderClient client = RingleaderClient.builder().seeds(node.url).build()) {
      client.start();
      var f = client.ask("score", "has space", Map.of("reward", 1)).toCompletableFuture();
      var e = assertThrows(java.util.concurrent.CompletionException.class, f::join);
      assertEquals(CallError.BAD_REQUEST, ((CallException) e.getCause()).error());
      assertEquals(0, node.posts());
      assertThrows(IllegalArgumentException.class,
          () -> client.ask("score", "x", Map.of(), "", Duration.ofSeconds(1)), "an empty key is a broken contract");
    }
  }
}
