package dev.ringleader.supervisor.internal.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.registry.Member;
import dev.ringleader.registry.MemberStatus;
import dev.ringleader.registry.RingMember;
import dev.ringleader.registry.RingSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingPlannerTest {
  private static Member member(String node, int weight, MemberStatus status) {
    return new Member(node, "http://127.0.0.1:1", 0, weight, status);
  }

  @Test
  void theFirstRingHasEpochOneAndOnlyUpMembersSortedByName() {
    RingSpec spec = RingPlanner.plan(null, List.of(member("b", 1, MemberStatus.UP), member("a", 2, MemberStatus.UP),
        member("c", 1, MemberStatus.JOINING), member("d", 1, MemberStatus.LEAVING)), 64).orElseThrow();
    assertEquals(1, spec.epoch());
    assertEquals(List.of(new RingMember("a", 2), new RingMember("b", 1)), spec.members());
  }

  @Test
  void noChangeNoNewRing() {
    RingSpec current = new RingSpec(7, 64, List.of(new RingMember("a", 1), new RingMember("b", 1)));
    assertTrue(RingPlanner.plan(current, List.of(member("b", 1, MemberStatus.UP), member("a", 1, MemberStatus.UP)), 64)
        .isEmpty());
  }

  @Test
  void aChangeBumpsTheEpochByOne() {
    RingSpec current = new RingSpec(7, 64, List.of(new RingMember("a", 1), new RingMember("b", 1)));
    RingSpec next = RingPlanner.plan(current, List.of(member("a", 1, MemberStatus.UP)), 64).orElseThrow();
    assertEquals(8, next.epoch());
    assertEquals(List.of(new RingMember("a", 1)), next.members());
    assertEquals(9, RingPlanner.plan(next, List.of(member("a", 3, MemberStatus.UP)), 64).orElseThrow().epoch());
  }
}
