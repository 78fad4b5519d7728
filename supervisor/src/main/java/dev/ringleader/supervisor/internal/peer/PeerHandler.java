package dev.ringleader.supervisor.internal.peer;

import dev.ringleader.supervisor.internal.failure.Answer;
import java.util.concurrent.CompletableFuture;

/** What a node does with an authenticated peer's request (the peer port's dispatcher). */
public interface PeerHandler {
  /**
   * Handles one request from node {@code from} (proven by the handshake). {@code deadlineNanos}, on
   * this node's {@link System#nanoTime()} clock, is when the sender gives up on it: past it, nothing
   * may be applied.
   */
  CompletableFuture<Answer> handle(PeerRequest request, String from, long deadlineNanos);
}
