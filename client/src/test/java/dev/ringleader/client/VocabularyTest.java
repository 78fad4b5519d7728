package dev.ringleader.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ringleader.call.CallError;
import org.junit.jupiter.api.Test;

/**
 * How the client reads an error answer into a {@link CallError} (the one vocabulary: the nodes answer
 * with it, the embedded API and the client throw it), including codes a newer node may add.
 */
class VocabularyTest {
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
