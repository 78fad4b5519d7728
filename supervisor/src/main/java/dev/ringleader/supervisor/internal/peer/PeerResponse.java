package dev.ringleader.supervisor.internal.peer;

import dev.ringleader.supervisor.internal.failure.Answer;
import java.nio.charset.StandardCharsets;

/** A peer node's answer: a status, an optional retry-after, and the JSON body's bytes as they came. */
public record PeerResponse(int status, byte[] bytes, String retryAfter) {
  /** The body as text (for logs and messages). */
  public String body() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** As this node's own answer, passing the body's bytes through unparsed. */
  public Answer toAnswer() {
    return new Answer(status, bytes, retryAfter);
  }
}
