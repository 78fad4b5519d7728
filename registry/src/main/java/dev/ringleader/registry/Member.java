package dev.ringleader.registry;

import java.util.Objects;

/**
 * The value of {@code members/<node>}: {@code {"node","url","startedAt","weight","status"}}.
 *
 * @param node the node's unique name
 * @param url the base URL of the node's HTTP API, e.g. {@code http://127.0.0.1:8081}
 * @param startedAt when the node process started, epoch millis
 * @param weight the node's ring weight (a bigger machine takes a bigger share)
 * @param status where the node is in its life cycle
 */
public record Member(String node, String url, long startedAt, int weight, MemberStatus status) {
  public Member {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(status, "status");
  }

  public Member withStatus(MemberStatus next) {
    return new Member(node, url, startedAt, weight, next);
  }
}
