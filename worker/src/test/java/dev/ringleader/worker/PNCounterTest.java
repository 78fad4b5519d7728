package dev.ringleader.worker;

import static dev.ringleader.worker.TestTypes.MAPPER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CRDT laws of {@link PNCounter} and its JSON form. */
class PNCounterTest {
  private static List<PNCounter> samples() {
    Random random = new Random(42);
    List<PNCounter> samples = new ArrayList<>(List.of(PNCounter.zero()));
    for (int i = 0; i < 12; i++) {
      PNCounter c = PNCounter.zero();
      for (int j = 0; j < 6; j++) {
        c = c.add("node" + random.nextInt(4), random.nextInt(41) - 20);
      }
      samples.add(c);
    }
    return samples;
  }

  @Test
  void addsAndSubtractsPerNode() {
    PNCounter c = PNCounter.zero().add("a", 5).add("b", -2).add("a", -1).add("a", 0);
    assertEquals(2, c.value());
    assertEquals(Map.of("a", 5L), c.p());
    assertEquals(Map.of("a", 1L, "b", 2L), c.n());
  }

  @Test
  void concurrentAddsOnTwoNodesMergeToTheSum() {
    PNCounter base = PNCounter.zero().add("node1", 10);
    PNCounter left = base.add("node1", 3).add("node1", -1);
    PNCounter right = base.add("node2", 7).add("node2", -4);

    assertEquals(10 + 2 + 3, left.merge(right).value());
    assertEquals(left.merge(right), right.merge(left));
  }

  @Test
  void mergeIsCommutativeAssociativeAndIdempotent() {
    List<PNCounter> samples = samples();
    for (PNCounter a : samples) {
      assertEquals(a, a.merge(a));
      for (PNCounter b : samples) {
        assertEquals(a.merge(b), b.merge(a));
        for (PNCounter c : samples) {
          assertEquals(a.merge(b).merge(c), a.merge(b.merge(c)));
        }
      }
    }
  }

  @Test
  void roundTripsThroughJackson() throws Exception {
    for (PNCounter c : samples()) {
      String json = MAPPER.writeValueAsString(c);
      assertEquals(c, MAPPER.readValue(json, PNCounter.class), json);
    }
    assertEquals(
        "{\"p\":{\"a\":3},\"n\":{\"b\":1}}",
        MAPPER.writeValueAsString(PNCounter.zero().add("a", 3).add("b", -1)));
  }

  @Test
  void refusesNegativeTotals() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new PNCounter(Map.of("a", -1L), null));
    assertEquals("p total of node a must be >= 0, was -1", e.getMessage());
  }
}
