package dev.ringleader.registry;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One member of the ring as stored in the {@code ring} znode: {@code {"node": .., "weight": ..}}.
 *
 * @param node the node name (its membership id); not blank
 * @param weight how many units of {@link RingSpec#vnodes()} tokens the node gets; at least 1. A
 *     weight-2 node owns about twice the hash space of a weight-1 node.
 */
@JsonPropertyOrder({"node", "weight"})
public record RingMember(String node, int weight) {
  public RingMember {
    if (node == null || node.isBlank()) {
      throw new IllegalArgumentException("node must not be blank, was " + (node == null ? "null" : "'" + node + "'"));
    }
    if (weight < 1) {
      throw new IllegalArgumentException("weight of " + node + " must be >= 1, was " + weight);
    }
  }

  /** A member of weight 1. */
  public static RingMember of(String node) {
    return new RingMember(node, 1);
  }
}
