package dev.ringleader.worker;

import static dev.ringleader.worker.TestTypes.MAPPER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CRDT laws of {@link LWWMap} and its JSON form. */
class LWWMapTest {
  private static List<LWWMap> samples() {
    Random random = new Random(7);
    List<LWWMap> samples = new ArrayList<>(List.of(LWWMap.empty()));
    for (int i = 0; i < 12; i++) {
      LWWMap m = LWWMap.empty();
      for (int j = 0; j < 6; j++) {
        String key = "k" + random.nextInt(3);
        long ts = random.nextInt(4); // few timestamps: many ties
        String node = "node" + random.nextInt(2);
        m = random.nextInt(4) == 0
            ? m.remove(key, ts, node)
            : m.put(key, IntNode.valueOf(random.nextInt(3)), ts, node);
      }
      samples.add(m);
    }
    return samples;
  }

  @Test
  void laterWriteWinsWhateverTheOrder() {
    LWWMap m = LWWMap.empty().put("k", IntNode.valueOf(2), 20, "a").put("k", IntNode.valueOf(1), 10, "b");
    assertEquals(Optional.of(IntNode.valueOf(2)), m.get("k"));

    LWWMap removed = m.remove("k", 30, "b");
    assertEquals(Optional.empty(), removed.get("k"));
    assertEquals(Map.of(), removed.asMap());
    assertEquals(removed, removed.put("k", IntNode.valueOf(9), 25, "a"), "an older put is ignored");
  }

  @Test
  void tiesAreBrokenByNodeNameThenRemoval() {
    LWWMap fromA = LWWMap.empty().put("k", TextNode.valueOf("a"), 10, "a");
    LWWMap fromB = LWWMap.empty().put("k", TextNode.valueOf("b"), 10, "b");
    assertEquals(Optional.of(TextNode.valueOf("b")), fromA.merge(fromB).get("k"));
    assertEquals(Optional.of(TextNode.valueOf("b")), fromB.merge(fromA).get("k"));

    LWWMap removedByB = LWWMap.empty().remove("k", 10, "b");
    assertEquals(Optional.empty(), fromB.merge(removedByB).get("k"));
    assertEquals(Optional.empty(), removedByB.merge(fromB).get("k"));
  }

  @Test
  void mergeIsCommutativeAssociativeAndIdempotent() {
    List<LWWMap> samples = samples();
    for (LWWMap a : samples) {
      assertEquals(a, a.merge(a));
      for (LWWMap b : samples) {
        assertEquals(a.merge(b), b.merge(a));
        for (LWWMap c : samples) {
          assertEquals(a.merge(b).merge(c), a.merge(b.merge(c)));
        }
      }
    }
  }

  @Test
  void roundTripsThroughJacksonWithTombstonesAndJsonNull() throws Exception {
    LWWMap m =
        LWWMap.empty()
            .put("obj", MAPPER.valueToTree(Map.of("x", List.of(1, 2))), 5, "n1")
            .put("nil", NullNode.getInstance(), 6, "n2")
            .remove("gone", 7, "n1");
    String json = MAPPER.writeValueAsString(m);
    LWWMap back = MAPPER.readValue(json, LWWMap.class);

    assertEquals(m, back, json);
    assertEquals(Optional.of((JsonNode) NullNode.getInstance()), back.get("nil"));
    assertEquals(Optional.empty(), back.get("gone"));
    for (LWWMap sample : samples()) {
      assertEquals(sample, MAPPER.readValue(MAPPER.writeValueAsString(sample), LWWMap.class));
    }
  }
}
