package dev.ringleader.supervisor.internal.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.internal.node.Json;
import org.junit.jupiter.api.Test;

/**
 * The nodes answer with {@link CallError}, the vocabulary the client and the embedded API throw:
 * each server failure keeps its code and status, Retry-After exactly on the retryable ones, and a
 * client-side failure is never a node's answer.
 */
class ErrorResponsesTest {
  @Test
  void everyServerFailureIsAnsweredWithItsCodeStatusAndRetryability() throws Exception {
    for (CallError e : CallError.values()) {
      Answer a = ErrorResponses.of(e, "why");
      JsonNode body = Json.MAPPER.readTree(a.body());
      if (e.isClientSide()) {
        assertEquals(500, a.status(), e.code());
        assertEquals("internal", body.path("error").asText(), e.code());
        assertNull(a.retryAfter(), e.code());
        continue;
      }
      assertEquals(e.status(), a.status(), e.code());
      assertEquals(e.code(), body.path("error").asText(), e.code());
      assertEquals("why", body.path("message").asText(), e.code());
      assertEquals(e.retryable(), a.retryAfter() != null, e.code());
      assertEquals(e, CallError.ofAnswer(body.path("error").asText(), a.status()), "read back " + e.code());
    }
  }
}
