package dev.ringleader.worker;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A counter that duplicate activations can change independently and merge without losing an
 * update (a PN-counter CRDT). Each node keeps its own running totals of increments ({@code p}) and
 * decrements ({@code n}); the value is {@code sum(p) - sum(n)}; merge takes the pointwise maximum,
 * so it is commutative, associative and idempotent.
 *
 * <p>Immutable; JSON {@code {"p":{"node1":5},"n":{"node2":1}}}. Totals are never negative.
 *
 * @param p per node, the sum of its increments
 * @param n per node, the sum of the magnitudes of its decrements
 */
public record PNCounter(Map<String, Long> p, Map<String, Long> n) {
  private static final PNCounter ZERO = new PNCounter(Map.of(), Map.of());

  @JsonCreator
  public PNCounter(@JsonProperty("p") Map<String, Long> p, @JsonProperty("n") Map<String, Long> n) {
    this.p = totals("p", p);
    this.n = totals("n", n);
  }

  /** The counter at 0, with no node's totals. */
  public static PNCounter zero() {
    return ZERO;
  }

  /** Adds {@code delta} on behalf of {@code node}: a positive delta to p, a negative one to n. */
  public PNCounter add(String node, long delta) {
    Objects.requireNonNull(node, "node");
    if (delta == 0) {
      return this;
    }
    if (delta > 0) {
      return new PNCounter(plus(p, node, delta), n);
    }
    return new PNCounter(p, plus(n, node, Math.negateExact(delta)));
  }

  /** The counter's value: every increment minus every decrement. */
  public long value() {
    return sum(p) - sum(n);
  }

  /** The pointwise maximum of both counters' totals. */
  public PNCounter merge(PNCounter other) {
    return new PNCounter(max(p, other.p), max(n, other.n));
  }

  private static Map<String, Long> totals(String field, Map<String, Long> totals) {
    if (totals == null || totals.isEmpty()) {
      return Map.of();
    }
    TreeMap<String, Long> copy = new TreeMap<>();
    totals.forEach(
        (node, total) -> {
          Objects.requireNonNull(node, field + " node");
          if (total == null || total < 0) {
            throw new IllegalArgumentException(
                field + " total of node " + node + " must be >= 0, was " + total);
          }
          if (total > 0) {
            copy.put(node, total);
          }
        });
    return Collections.unmodifiableMap(copy);
  }

  private static Map<String, Long> plus(Map<String, Long> totals, String node, long amount) {
    TreeMap<String, Long> next = new TreeMap<>(totals);
    next.merge(node, amount, Math::addExact);
    return next;
  }

  private static Map<String, Long> max(Map<String, Long> a, Map<String, Long> b) {
    TreeMap<String, Long> merged = new TreeMap<>(a);
    b.forEach((node, total) -> merged.merge(node, total, Math::max));
    return merged;
  }

  private static long sum(Map<String, Long> totals) {
    long sum = 0;
    for (long total : totals.values()) {
      sum = Math.addExact(sum, total);
    }
    return sum;
  }
}
