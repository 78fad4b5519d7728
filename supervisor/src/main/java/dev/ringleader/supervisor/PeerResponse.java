package dev.ringleader.supervisor;

import java.nio.charset.StandardCharsets;

/** A peer node's HTTP answer. */
record PeerResponse(int status, String body, String retryAfter) {
  Answer toAnswer() {
    return new Answer(status, body.getBytes(StandardCharsets.UTF_8), retryAfter);
  }
}
