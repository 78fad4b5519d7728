package dev.ringleader.supervisor.internal.http;

import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin actions' guard on the client port ({@code POST /admin/leave}): a request must carry
 * {@code Authorization: Bearer <token>} with the node's {@code --admin-token}, compared in constant
 * time. Without a configured token every admin request is refused (401): a node exposed through a
 * load balancer cannot be stopped by its clients.
 */
public final class AdminToken {
  private final byte[] token;

  /** {@code token} null: admin actions are off on the client port. */
  public AdminToken(String token) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  boolean allows(HttpServerExchange ex) {
    String header = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (token == null || header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(token, header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8));
  }

  Answer refusal() {
    return ErrorResponses.of(CallError.UNAUTHORIZED, token == null
        ? "admin actions are off on this node: start it with --admin-token (or RINGLEADER_ADMIN_TOKEN)"
        : "this admin action needs the header Authorization: Bearer <the node's --admin-token>");
  }
}
