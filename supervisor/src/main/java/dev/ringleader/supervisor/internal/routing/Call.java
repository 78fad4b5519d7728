package dev.ringleader.supervisor.internal.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.WorkerKey;

/**
 * One client request on its way to the worker that owns its ID.
 *
 * @param kind what the client asked
 * @param key the worker
 * @param message the message for TELL and REQUEST (null for READ)
 * @param requestKey the idempotency key of a TELL: the client's {@code Idempotency-Key}, or one the
 *     entry node made up; a retried forward carries the same key, so it is applied at most once
 * @param callerEpoch the ring epoch of the node that forwarded it, or -1 when it came from a client
 */
public record Call(Kind kind, WorkerKey key, JsonNode message, String requestKey, long callerEpoch) {
  public enum Kind {
    /** {@code POST /workers/{type}/{id}}: a message that may change state. */
    TELL,
    /** {@code GET /workers/{type}/{id}}: the worker's state. */
    READ,
    /** {@code GET /request/{id}}: the request type's reply, as it is. */
    REQUEST
  }

  boolean forwarded() {
    return callerEpoch >= 0;
  }
}
