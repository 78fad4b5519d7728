package dev.ringleader.supervisor.internal.peer;

import dev.ringleader.supervisor.internal.failure.Answer;
import java.nio.charset.StandardCharsets;

/** A peer node's HTTP answer. */
public record PeerResponse(int status, String body, String retryAfter) {
  public Answer toAnswer() {
    return new Answer(status, body.getBytes(StandardCharsets.UTF_8), retryAfter);
  }
}
