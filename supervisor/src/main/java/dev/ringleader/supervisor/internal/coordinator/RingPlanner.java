package dev.ringleader.supervisor.internal.coordinator;

import dev.ringleader.registry.Member;
import dev.ringleader.registry.MemberStatus;
import dev.ringleader.registry.RingMember;
import dev.ringleader.registry.RingSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The leader's decision, as a pure function: which ring the members call for. A member is in the
 * ring while its status is {@code up}; {@code joining} and {@code leaving} members are not.
 */
final class RingPlanner {
  private RingPlanner() {}

  /**
   * The next ring, or empty when the current one already has exactly these members, weights and
   * vnodes. The next ring's epoch is the current one's plus one.
   */
  static Optional<RingSpec> plan(RingSpec current, Collection<Member> members, int vnodes) {
    List<RingMember> wanted = new ArrayList<>();
    for (Member m : members) {
      if (m.status() == MemberStatus.UP) {
        wanted.add(new RingMember(m.node(), m.weight()));
      }
    }
    wanted.sort(Comparator.comparing(RingMember::node));
    if (current != null && current.vnodes() == vnodes && current.members().equals(wanted)) {
      return Optional.empty();
    }
    long epoch = current == null ? 1 : current.epoch() + 1;
    return Optional.of(new RingSpec(epoch, vnodes, wanted));
  }
}
