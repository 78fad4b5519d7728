package dev.ringleader.supervisor;

import java.nio.charset.StandardCharsets;

/**
 * A finished HTTP answer: status, JSON body and, for 503, a Retry-After in seconds. A forwarded
 * request's answer is passed back to the client unchanged.
 */
record Answer(int status, byte[] body, String retryAfter) {
  static Answer ok(Object value) {
    return new Answer(200, Json.bytes(value), null);
  }

  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
