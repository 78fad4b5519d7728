package dev.ringleader.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.registry.Ring;
import dev.ringleader.registry.RingMember;
import dev.ringleader.registry.RingSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's view of the cluster, read from one node's {@code GET /cluster}: the ring, computed
 * from {@code ring: {epoch, vnodes, members: [{node, weight}]}} exactly as the nodes compute it from
 * the ring znode ({@code Ring.of(new RingSpec(...))}), and each member's client URL and status.
 * Immutable.
 *
 * @param ring the ring; empty (epoch 0) before the first snapshot or while the cluster has none
 * @param members member name to its URL and status, as the answering node saw them
 * @param from the node that answered, or null for the empty snapshot
 */
record Snapshot(Ring ring, Map<String, Member> members, String from) {
  static final Snapshot EMPTY = new Snapshot(Ring.empty(), Map.of(), null);

  /** A member as {@code GET /cluster} lists it. */
  record Member(String node, String url, String status) {
    boolean up() {
      return "up".equals(status);
    }
  }

  long epoch() {
    return ring.epoch();
  }

  /**
   * Parses a {@code GET /cluster} answer; reuses {@code previous}'s ring when the spec is the same
   * (a ring of many members takes milliseconds to build).
   *
   * @throws IllegalArgumentException when the answer is not a cluster view
   */
  static Snapshot parse(JsonNode cluster, Snapshot previous) {
    JsonNode r = cluster.path("ring");
    if (!r.path("epoch").isIntegralNumber() || !r.path("vnodes").isIntegralNumber() || !r.path("members").isArray()) {
      throw new IllegalArgumentException("not a GET /cluster answer (no ring {epoch, vnodes, members}): " + cluster);
    }
    List<RingMember> ringMembers = new ArrayList<>();
    for (JsonNode m : r.path("members")) {
      ringMembers.add(new RingMember(m.path("node").asText(), m.path("weight").asInt(1)));
    }
    RingSpec spec = new RingSpec(r.path("epoch").asLong(), r.path("vnodes").asInt(), ringMembers);
    Ring ring = previous != null && previous.ring.spec().equals(spec) ? previous.ring : Ring.of(spec);
    Map<String, Member> members = new LinkedHashMap<>();
    for (JsonNode m : cluster.path("members")) {
      String node = m.path("node").asText(null);
      String url = m.path("url").asText(null);
      if (node != null && url != null) {
        members.put(node, new Member(node, stripSlash(url), m.path("status").asText("")));
      }
    }
    return new Snapshot(ring, Map.copyOf(members), cluster.path("node").asText(null));
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
