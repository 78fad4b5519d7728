package dev.ringleader.supervisor.internal.failure;

import dev.ringleader.supervisor.internal.node.Json;
import java.nio.charset.StandardCharsets;

/**
 * A finished HTTP answer: status, JSON body and, for 503, a Retry-After in seconds. A forwarded
 * request's answer is passed back to the client unchanged.
 */
public record Answer(int status, byte[] body, String retryAfter) {
  public static Answer ok(Object value) {
    return new Answer(200, Json.bytes(value), null);
  }

  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
