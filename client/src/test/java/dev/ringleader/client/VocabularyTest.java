package dev.ringleader.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.call.CallError;
import java.lang.reflect.Field;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link CallError} is the nodes' vocabulary: every failure the supervisor can answer with
 * ({@code dev.ringleader.supervisor.internal.failure.Failure}, read by reflection) has a CallError with the same
 * code, status and retryability, and CallError has no server code the supervisor lacks.
 */
class VocabularyTest {
  @Test
  void callErrorsAreTheSupervisorsFailures() throws Exception {
    Class<?> failure = Class.forName("dev.ringleader.supervisor.internal.failure.Failure");
    Field status = failure.getDeclaredField("status");
    Field code = failure.getDeclaredField("code");
    status.setAccessible(true);
    code.setAccessible(true);
    java.lang.reflect.Method retryable = failure.getDeclaredMethod("retryable");
    retryable.setAccessible(true);
    Set<String> serverCodes = new HashSet<>();
    for (Object f : failure.getEnumConstants()) {
      String c = (String) code.get(f);
      serverCodes.add(c);
      CallError e = CallError.ofCode(c);
      assertEquals(status.get(f), e.status(), c);
      assertEquals(retryable.invoke(f), e.retryable(), c);
      assertFalse(e.isClientSide(), c);
    }
    for (CallError e : CallError.values()) {
      assertTrue(e.isClientSide() || serverCodes.contains(e.code()), e + " is not a supervisor failure");
    }
  }

  @Test
  void unknownCodesFallBackOnTheStatus() {
    assertThrows(IllegalArgumentException.class, () -> CallError.ofCode("brand_new"));
    assertEquals(CallError.NOT_SERVING, CallError.ofAnswer("brand_new", 503));
    assertEquals(CallError.WRONG_OWNER, CallError.ofAnswer(null, 421));
    assertEquals(CallError.INTERNAL, CallError.ofAnswer(null, 502));
    assertEquals(CallError.BAD_MESSAGE, CallError.ofAnswer("bad_message", 400));
    assertEquals(CallError.NOT_SERVING, CallError.ofAnswer("unreachable", 503), "a client-side code from a node is not trusted");
  }
}
