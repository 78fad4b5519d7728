package dev.ringleader.registry;

import java.util.Objects;

/**
 * The value of {@code members/<node>}: {@code {"node","url","peer","startedAt","weight","status","durability","names"}}.
 *
 * @param node the node's unique name
 * @param url the base URL of the node's client API, e.g. {@code http://127.0.0.1:8081}
 * @param peer the {@code host:port} of the node's peer port (node-to-node calls), e.g.
 *     {@code 127.0.0.1:9081}; null for a member that has none
 * @param startedAt when the node process started, epoch millis
 * @param weight the node's ring weight (a bigger machine takes a bigger share)
 * @param status where the node is in its life cycle
 * @param durability where the node keeps the states it holds ({@code memory}, {@code disk},
 *     {@code disk-fsync}); null for a member that does not say
 * @param names where the node holds global names ({@code zookeeper}, {@code ring}); null for a member
 *     that does not say (one from before the setting: zookeeper)
 */
public record Member(String node, String url, String peer, long startedAt, int weight, MemberStatus status,
    String durability, String names) {
  public Member {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(status, "status");
  }

  /** A member without a peer port or a durability (tests, views). */
  public Member(String node, String url, long startedAt, int weight, MemberStatus status) {
    this(node, url, null, startedAt, weight, status, null, null);
  }

  public Member withStatus(MemberStatus next) {
    return new Member(node, url, peer, startedAt, weight, next, durability, names);
  }
}
