package dev.ringleader.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyWindowTest {
  private static ReplyWindow of(String... keys) {
    ReplyWindow w = ReplyWindow.empty();
    for (int i = 0; i < keys.length; i++) {
      w = w.with(keys[i], IntNode.valueOf(i), 64);
    }
    return w;
  }

  @Test
  void keepsTheNewestOldestFirstAndDropsTheOldestBeyondTheBound() {
    ReplyWindow w = ReplyWindow.empty();
    for (int i = 0; i < 10; i++) {
      w = w.with("k" + i, IntNode.valueOf(i), 4);
    }
    assertEquals(List.of("k6", "k7", "k8", "k9"), List.copyOf(w.keySet()));
    assertEquals(IntNode.valueOf(8), w.get("k8"));
    assertNull(w.get("k5"));
    assertFalse(w.containsKey("k0"));
  }

  @Test
  void aReusedKeyMovesToTheNewestEndWithItsNewReply() {
    ReplyWindow w = of("a", "b", "c").with("a", IntNode.valueOf(9), 3);
    assertEquals(List.of("b", "c", "a"), List.copyOf(w.keySet()));
    assertEquals(IntNode.valueOf(9), w.get("a"));
    assertEquals(List.of("c", "a"), List.copyOf(w.with("a", IntNode.valueOf(10), 2).keySet()));
  }

  @Test
  void aBoundOfZeroKeepsNothingAndTheWindowBeforeIsUnchanged() {
    ReplyWindow before = of("a", "b");
    assertEquals(0, before.with("c", IntNode.valueOf(1), 0).size());
    assertEquals(List.of("a", "b"), List.copyOf(before.keySet()));
  }

  @Test
  void equalsAMapWithTheSameEntriesIsReadOnlyAndIsNotCopiedAgain() throws Exception {
    Map<String, JsonNode> same = new LinkedHashMap<>();
    same.put("a", IntNode.valueOf(0));
    same.put("b", IntNode.valueOf(1));
    ReplyWindow w = ReplyWindow.copyOf(same);
    assertEquals(same, w);
    assertEquals(same.hashCode(), w.hashCode());
    assertSame(w, ReplyWindow.copyOf(w));
    assertThrows(UnsupportedOperationException.class, () -> w.put("c", IntNode.valueOf(2)));
    ObjectMapper json = new ObjectMapper();
    assertEquals("{\"a\":0,\"b\":1}", json.writeValueAsString(w));
    assertTrue(ReplyWindow.copyOf(null).isEmpty());
  }
}
