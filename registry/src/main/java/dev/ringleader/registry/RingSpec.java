package dev.ringleader.registry;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The value of the {@code ring} znode, exactly: {@code
 * {"epoch":..,"vnodes":..,"members":[{"node":..,"weight":..}]}}. Everything a node needs to
 * compute the same {@link Ring} as every other node.
 *
 * <p>Canonical form: members are sorted by node name and no name appears twice, so two specs
 * with the same members are equal whatever order the members were given in.
 *
 * @param epoch the ring's version as the leader counts it; at least 0 and raised by one on every
 *     change the leader writes (the znode's own version fences the write, the epoch tells nodes
 *     which ring a forwarded request was routed by)
 * @param vnodes tokens per unit of member weight; at least 1
 * @param members the members, sorted by node name, no duplicates; may be empty
 */
@JsonPropertyOrder({"epoch", "vnodes", "members"})
public record RingSpec(long epoch, int vnodes, List<RingMember> members) {
  private static final Comparator<RingMember> BY_NODE = Comparator.comparing(RingMember::node);

  public RingSpec {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, was " + epoch);
    }
    if (vnodes < 1) {
      throw new IllegalArgumentException("vnodes must be >= 1, was " + vnodes);
    }
    if (members == null) {
      throw new IllegalArgumentException("members must not be null");
    }
    List<RingMember> sorted = new ArrayList<>(members);
    for (RingMember m : sorted) {
      if (m == null) {
        throw new IllegalArgumentException("members must not contain null");
      }
    }
    sorted.sort(BY_NODE);
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).node().equals(sorted.get(i - 1).node())) {
        throw new IllegalArgumentException("members must not repeat a node, " + sorted.get(i).node() + " appears twice");
      }
    }
    members = List.copyOf(sorted);
  }

  /** A spec of weight-1 members. */
  public static RingSpec of(long epoch, int vnodes, String... nodes) {
    return new RingSpec(epoch, vnodes, Arrays.stream(nodes).map(RingMember::of).toList());
  }

  /** The same vnodes with other members at another epoch. */
  public RingSpec withMembers(long epoch, List<RingMember> members) {
    return new RingSpec(epoch, vnodes, members);
  }

  /** Epoch + 1, with {@code member} added or, if its node is already there, its weight replaced. */
  public RingSpec with(RingMember member) {
    List<RingMember> next = new ArrayList<>(members.size() + 1);
    for (RingMember m : members) {
      if (!m.node().equals(member.node())) {
        next.add(m);
      }
    }
    next.add(member);
    return new RingSpec(epoch + 1, vnodes, next);
  }

  /** Epoch + 1, without {@code node} (the same members if it was not there). */
  public RingSpec without(String node) {
    return new RingSpec(epoch + 1, vnodes, members.stream().filter(m -> !m.node().equals(node)).toList());
  }

  /** Whether {@code node} is a member. */
  public boolean hasMember(String node) {
    for (RingMember m : members) {
      if (m.node().equals(node)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code other} has the same members with the same weights, whatever the epochs (and
   * the vnodes: compare {@link #vnodes()} too to know whether the tokens are the same). The leader
   * uses it to skip writing a ring that would change nothing.
   */
  public boolean sameMembers(RingSpec other) {
    return other != null && members.equals(other.members);
  }
}
