package dev.ringleader.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String[] nodes(int n) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = "node-" + (i + 1);
    }
    return names;
  }

  private static Ring ring(int n, int vnodes) {
    return Ring.of(RingSpec.of(1, vnodes, nodes(n)));
  }

  @Test
  void sameSpecGivesSameOwnersWhateverTheMemberOrder() {
    List<RingMember> members = new ArrayList<>();
    for (String n : nodes(7)) {
      members.add(new RingMember(n, n.equals("node-3") ? 2 : 1));
    }
    List<RingMember> reversed = new ArrayList<>(members);
    java.util.Collections.reverse(reversed);
    Ring a = Ring.of(new RingSpec(4, 50, members));
    Ring b = Ring.of(new RingSpec(4, 50, members));
    Ring c = Ring.of(new RingSpec(4, 50, reversed));
    assertEquals(a.spec(), c.spec());
    assertEquals(a, c);
    Set<String> owners = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String id = "id-" + i;
      String o = a.owner("player", id);
      assertEquals(o, b.owner("player", id));
      assertEquals(o, c.owner("player", id));
      assertEquals(a.preferenceList("player", id, 3), c.preferenceList("player", id, 3));
      owners.add(o);
    }
    assertEquals(a.nodes(), owners, "every member owns something");
    for (String n : a.nodes()) {
      assertEquals(a.share(n), c.share(n));
    }
  }

  @Test
  void ownerIsTheFirstTokenClockwiseInUnsignedOrder() {
    // An oracle: all tokens listed by hand, the owner found by a linear scan.
    RingSpec spec = RingSpec.of(1, 5, "a", "b", "c", "d");
    Ring ring = Ring.of(spec);
    List<long[]> tokens = new ArrayList<>(); // {token, member index}
    for (int m = 0; m < 4; m++) {
      for (int v = 0; v < 5; v++) {
        tokens.add(new long[] {RingHash.token(spec.members().get(m).node(), v), m});
      }
    }
    tokens.sort((x, y) -> Long.compareUnsigned(x[0], y[0]));
    boolean signedDiffers = tokens.stream().anyMatch(t -> t[0] < 0) && tokens.stream().anyMatch(t -> t[0] >= 0);
    assertTrue(signedDiffers, "the test needs tokens on both halves of the signed range");
    Random random = new Random(42);
    List<Long> probes = new ArrayList<>(List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
    for (long[] t : tokens) {
      probes.addAll(List.of(t[0], t[0] - 1, t[0] + 1));
    }
    for (int i = 0; i < 20_000; i++) {
      probes.add(random.nextLong());
    }
    for (long h : probes) {
      long[] expected = tokens.get(0);
      for (long[] t : tokens) {
        if (Long.compareUnsigned(t[0], h) >= 0) {
          expected = t;
          break;
        }
      }
      assertEquals(spec.members().get((int) expected[1]).node(), ring.ownerOf(h), () -> Long.toHexString(h));
    }
  }

  @Test
  void preferenceListStartsWithTheOwnerAndHoldsDistinctNodes() {
    Ring ring = ring(5, 20);
    for (int i = 0; i < 2_000; i++) {
      String id = "id-" + i;
      for (int n = 0; n <= 7; n++) {
        List<String> list = ring.preferenceList("player", id, n);
        assertEquals(Math.min(n, 5), list.size());
        assertEquals(list.size(), new HashSet<>(list).size(), list::toString);
        assertTrue(ring.nodes().containsAll(list));
        if (n > 0) {
          assertEquals(ring.owner("player", id), list.get(0));
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> ring.preferenceList("player", "x", -1));
  }

  @Test
  void preferenceListFollowsTheRingClockwise() {
    Ring ring = ring(6, 30);
    Map<String, Ring> without = new HashMap<>(); // the ring without one or two members
    for (int i = 0; i < 2_000; i++) {
      String id = "id-" + i;
      List<String> list = ring.preferenceList("player", id, 3);
      // The second replica is the owner in a ring without the first, and so on.
      Ring w1 = without.computeIfAbsent(list.get(0), k -> Ring.of(ring.spec().without(k)));
      assertEquals(list.get(1), w1.owner("player", id));
      Ring w2 = without.computeIfAbsent(list.get(0) + "+" + list.get(1),
          k -> Ring.of(w1.spec().without(list.get(1))));
      assertEquals(list.get(2), w2.owner("player", id));
    }
  }

  @Test
  void joinMovesOnlyIdsTheJoinerNowOwns() {
    RingSpec spec = RingSpec.of(3, 200, nodes(10));
    Ring before = Ring.of(spec);
    Ring after = Ring.of(spec.with(RingMember.of("node-11")));
    assertEquals(4, after.epoch());
    int moved = 0;
    int ids = 50_000;
    for (int i = 0; i < ids; i++) {
      String id = "id-" + i;
      String was = before.owner("player", id);
      String is = after.owner("player", id);
      if (!was.equals(is)) {
        assertEquals("node-11", is, id);
        moved++;
      }
    }
    // Optimum 1/11 of the IDs; vnodes 200 keeps the joiner within ~7% (sd), allow 25%.
    assertEquals(1.0 / 11, moved / (double) ids, 0.25 / 11);
  }

  @Test
  void leaveMovesOnlyIdsTheLeaverOwned() {
    RingSpec spec = RingSpec.of(3, 200, nodes(10));
    Ring before = Ring.of(spec);
    Ring after = Ring.of(spec.without("node-4"));
    assertFalse(after.contains("node-4"));
    int moved = 0;
    int ids = 50_000;
    for (int i = 0; i < ids; i++) {
      String id = "id-" + i;
      String was = before.owner("player", id);
      String is = after.owner("player", id);
      if (!was.equals(is)) {
        assertEquals("node-4", was, id);
        moved++;
      } else {
        assertNotEquals("node-4", was);
      }
    }
    assertEquals(before.share("node-4"), moved / (double) ids, 0.01);
  }

  @Test
  void aWeightTwoNodeOwnsAboutTwiceAsMuch() {
    RingSpec spec = new RingSpec(1, Ring.DEFAULT_VNODES, List.of(
        new RingMember("heavy", 2), RingMember.of("a"), RingMember.of("b"), RingMember.of("c")));
    Ring ring = Ring.of(spec);
    assertEquals(5 * Ring.DEFAULT_VNODES, ring.tokenCount());
    double light = (ring.share("a") + ring.share("b") + ring.share("c")) / 3;
    // Each light share deviates ~1/sqrt(vnodes) (~2%), the heavy one ~1.6%: 10% is > 4 deviations.
    assertEquals(2.0, ring.share("heavy") / light, 0.2);
    Map<String, Integer> load = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      load.merge(ring.owner("player", "id-" + i), 1, Integer::sum);
    }
    assertEquals(2.0, load.get("heavy") / ((load.get("a") + load.get("b") + load.get("c")) / 3.0), 0.2);
  }

  @Test
  void sharesSumToOneAndMatchTheIds() {
    Ring ring = ring(10, 100);
    double sum = 0;
    Map<String, Integer> load = new HashMap<>();
    int ids = 100_000;
    for (int i = 0; i < ids; i++) {
      load.merge(ring.owner("player", "id-" + i), 1, Integer::sum);
    }
    for (String n : ring.nodes()) {
      sum += ring.share(n);
      // 10,000 IDs per node: sampling sd ~0.1% of all IDs.
      assertEquals(ring.share(n), load.get(n) / (double) ids, 0.005, n);
    }
    assertEquals(1.0, sum, 1e-9);
    assertEquals(0.0, ring.share("stranger"));
    assertEquals(1.0, ring(1, 1).share("node-1"), 1e-12);
  }

  @Test
  void loadIsBalancedAtTenNodesWithDefaultVnodes() {
    // Each node's share deviates ~1/sqrt(DEFAULT_VNODES) (2.2%) and 10,000 IDs add 1% of sampling
    // noise: ~2.5% in all. The largest of 10 is expected ~4% over the mean; 10% is 4 deviations.
    Ring ring = ring(10, Ring.DEFAULT_VNODES);
    Map<String, Integer> load = new HashMap<>();
    int ids = 100_000;
    for (int i = 0; i < ids; i++) {
      load.merge(ring.owner("player", "id-" + i), 1, Integer::sum);
    }
    double avg = ids / 10.0;
    int max = load.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    int min = load.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    assertEquals(10, load.size());
    assertTrue(max / avg <= 1.10, () -> "max/avg " + max / avg + " " + load);
    assertTrue(min / avg >= 0.90, () -> "min/avg " + min / avg + " " + load);
  }

  @Test
  void emptyRingHasNoOwner() {
    Ring empty = Ring.empty();
    assertTrue(empty.isEmpty());
    assertNull(empty.owner("player", "id-1"));
    assertNull(empty.ownerOf(0));
    assertEquals(List.of(), empty.preferenceList("player", "id-1", 3));
    assertEquals(Set.of(), empty.nodes());
    assertEquals(0, empty.epoch());
    Ring emptyAtFive = Ring.of(new RingSpec(5, 10, List.of()));
    assertTrue(emptyAtFive.isEmpty());
    assertEquals(5, emptyAtFive.epoch());
    assertNull(emptyAtFive.owner("player", "id-1"));
  }

  @Test
  void ringFacts() {
    Ring ring = ring(3, 10);
    assertEquals(List.of("node-1", "node-2", "node-3"), new ArrayList<>(ring.nodes()));
    assertTrue(ring.contains("node-2"));
    assertFalse(ring.contains("node-4"));
    assertEquals(30, ring.tokenCount());
    assertThrows(UnsupportedOperationException.class, () -> ring.nodes().add("x"));
  }

  @Test
  void specJsonIsExactlyTheRingZnode() throws Exception {
    RingSpec spec = new RingSpec(7, 100, List.of(new RingMember("node-b", 2), RingMember.of("node-a")));
    String json = JSON.writeValueAsString(spec);
    assertEquals("{\"epoch\":7,\"vnodes\":100,\"members\":["
        + "{\"node\":\"node-a\",\"weight\":1},{\"node\":\"node-b\",\"weight\":2}]}", json);
    assertEquals(spec, JSON.readValue(json, RingSpec.class));
    RingSpec unsorted = JSON.readValue("{\"epoch\":7,\"vnodes\":100,\"members\":["
        + "{\"node\":\"node-b\",\"weight\":2},{\"node\":\"node-a\",\"weight\":1}]}", RingSpec.class);
    assertEquals(spec, unsorted);
  }

  @Test
  void invalidSpecsAreRejectedNamingTheField() {
    assertMessage("weight", () -> new RingMember("a", 0));
    assertMessage("node", () -> new RingMember(" ", 1));
    assertMessage("node", () -> new RingMember(null, 1));
    assertMessage("vnodes", () -> RingSpec.of(1, 0, "a"));
    assertMessage("epoch", () -> RingSpec.of(-1, 10, "a"));
    assertMessage("members", () -> new RingSpec(1, 10, null));
    assertMessage("members", () -> new RingSpec(1, 10, Arrays.asList(RingMember.of("a"), null)));
    assertMessage("a appears twice", () -> RingSpec.of(1, 10, "b", "a", "a"));
    assertMessage("tokens", () -> Ring.of(new RingSpec(1, 10_000, List.of(new RingMember("a", 10_000)))));
    Exception e = assertThrows(Exception.class, () -> JSON.readValue(
        "{\"epoch\":1,\"vnodes\":10,\"members\":[{\"node\":\"a\",\"weight\":0}]}", RingSpec.class));
    assertTrue(String.valueOf(e.getMessage()).contains("weight"), e.getMessage());
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' does not name " + part);
  }

  @Test
  void specHelpers() {
    RingSpec spec = RingSpec.of(1, 10, "a", "b");
    RingSpec heavier = spec.with(new RingMember("a", 3));
    assertEquals(2, heavier.epoch());
    assertEquals(List.of(new RingMember("a", 3), RingMember.of("b")), heavier.members());
    assertFalse(spec.sameMembers(heavier));
    assertTrue(spec.sameMembers(spec.withMembers(9, List.of(RingMember.of("b"), RingMember.of("a")))));
    assertTrue(spec.hasMember("a"));
    assertFalse(spec.without("a").hasMember("a"));
    assertEquals(2, spec.without("zzz").epoch());
  }
}
