package dev.ringleader.supervisor.internal.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ringleader.registry.Ring;
import dev.ringleader.registry.RingSpec;
import dev.ringleader.registry.VersionedRing;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Condition 3 of docs/names.md: since when a node has owned an ID without a break. */
class RingHistoryTest {
  private static VersionedRing ring(long epoch, String... nodes) {
    return new VersionedRing(Ring.of(RingSpec.of(epoch, 64, nodes)), (int) epoch);
  }

  /** An id that n1 owns in the two-node ring and {@code inThree} owns in the three-node ring. */
  private static String id(String inThree) {
    Ring two = ring(1, "n1", "n2").ring();
    Ring three = ring(1, "n1", "n2", "n3").ring();
    return IntStream.range(0, 10_000).mapToObj(i -> "p" + i)
        .filter(id -> two.owner("t", id).equals("n1") && three.owner("t", id).equals(inThree))
        .findFirst().orElseThrow();
  }

  @Test
  void anIdOwnedThroughConsecutiveRingsCountsFromTheFirstOfThem() {
    RingHistory h = new RingHistory(64);
    String kept = id("n1");
    h.note(ring(3, "n1", "n2"));
    h.note(ring(4, "n1", "n2", "n3"));
    VersionedRing five = ring(5, "n1", "n2");
    h.note(five);
    assertEquals(3, h.ownedSince("n1", "t", kept, five));
  }

  @Test
  void aRingThatGaveTheIdToAnotherNodeBreaksTheRun() {
    RingHistory h = new RingHistory(64);
    String moved = id("n3");
    h.note(ring(3, "n1", "n2"));
    h.note(ring(4, "n1", "n2", "n3")); // n3's in epoch 4
    VersionedRing five = ring(5, "n1", "n2");
    h.note(five);
    assertEquals(5, h.ownedSince("n1", "t", moved, five));
  }

  @Test
  void aGapInTheEpochsSeenBreaksTheRun() {
    RingHistory h = new RingHistory(64);
    String kept = id("n1");
    h.note(ring(3, "n1", "n2"));
    VersionedRing five = ring(5, "n1", "n2"); // epoch 4 never seen: another node may have owned it
    h.note(five);
    assertEquals(5, h.ownedSince("n1", "t", kept, five));
  }

  @Test
  void anIdOwnedThroughEveryKeptRingCountsFromTheOldestKept() {
    RingHistory h = new RingHistory(3);
    String kept = id("n1");
    for (long e = 1; e <= 10; e++) {
      h.note(ring(e, "n1", "n2"));
    }
    assertEquals(8, h.ownedSince("n1", "t", kept, ring(10, "n1", "n2")), "8, 9, 10 kept");
  }

  @Test
  void theCurrentRingNotNotedYetStillCountsAndOlderNotesAreIgnored() {
    RingHistory h = new RingHistory(64);
    String kept = id("n1");
    h.note(ring(6, "n1", "n2"));
    h.note(ring(5, "n1", "n2")); // older than the newest kept: ignored
    assertEquals(6, h.ownedSince("n1", "t", kept, ring(7, "n1", "n2")));
  }
}
