package dev.ringleader.worker;

import static dev.ringleader.worker.TestTypes.MAPPER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotTest {
  @Test
  void copiesRepliesKeepingTheirOrder() {
    LinkedHashMap<String, JsonNode> replies = new LinkedHashMap<>();
    replies.put("z", IntNode.valueOf(1));
    replies.put("a", IntNode.valueOf(2));
    Snapshot<String> snapshot = new Snapshot<>(3, "s", replies);
    replies.put("m", IntNode.valueOf(3));

    assertEquals(List.of("z", "a"), List.copyOf(snapshot.recentReplies().keySet()));
    assertThrows(
        UnsupportedOperationException.class,
        () -> snapshot.recentReplies().put("x", IntNode.valueOf(0)));
  }

  @Test
  void nextAddsOneVersionAndEvictsTheOldestReplies() {
    Snapshot<String> s0 = Snapshot.initial("s0");
    Snapshot<String> s3 =
        s0.next("s1", "a", IntNode.valueOf(1), 2)
            .next("s2", "b", IntNode.valueOf(2), 2)
            .next("s3", "c", IntNode.valueOf(3), 2);
    Snapshot<String> s4 = s3.next("s4", null, null, 2);

    assertEquals(0, s0.version());
    assertEquals(3, s3.version());
    assertEquals(List.of("b", "c"), List.copyOf(s3.recentReplies().keySet()));
    assertEquals(new Snapshot<>(4, "s4", s3.recentReplies()), s4);
    assertEquals(Map.of(), s0.next("s1", "a", IntNode.valueOf(1), 0).recentReplies());
  }

  @Test
  void negativeVersionIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Snapshot<>(-1, "s", Map.of()));
  }

  @Test
  void roundTripsThroughJackson() throws Exception {
    Snapshot<Long> snapshot = Snapshot.initial(5L).next(6L, "k", MAPPER.valueToTree(Map.of("v", 6)), 4);
    String json = MAPPER.writeValueAsString(snapshot);
    Snapshot<Long> back = MAPPER.readValue(json, new TypeReference<Snapshot<Long>>() {});
    assertEquals(snapshot, back);
  }
}
