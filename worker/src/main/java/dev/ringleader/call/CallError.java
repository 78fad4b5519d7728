package dev.ringleader.call;

import java.util.Locale;

/**
 * Every way a call to a worker can fail, as the HTTP API names it ({@code {"error": "<code>"}}) and
 * as the embedded API ({@code RingleaderNode.ref(type, id).ask(...)}) and the Java client report it
 * in a {@link CallException}: one short vocabulary for all three.
 */
public enum CallError {
  BAD_JSON(400),
  BAD_REQUEST(400),
  /** The worker type rejected the message as invalid (not a crash). */
  BAD_MESSAGE(400),
  UNKNOWN_TYPE(404),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  /** A copy from a node that does not own the ID in the receiver's ring (between nodes only). */
  NOT_OWNER(409),
  BODY_TOO_LARGE(413),
  /** The call reached a node that does not own the ID in its ring; retried by routers and clients. */
  WRONG_OWNER(421),
  WORKER_CRASHED(500),
  INTERNAL(500),
  WORKER_BACKOFF(503),
  MAILBOX_FULL(503),
  DETACHED_LOG_FULL(503),
  NOT_ACKNOWLEDGED(503),
  BELOW_MIN_NODES(503),
  NOT_SERVING(503),
  NO_RING(503),
  OWNER_UNREACHABLE(503),
  NAME_HELD(503),
  ZOOKEEPER_UNAVAILABLE(503),
  /** No node could be reached at all (a client-side condition; no node sends it). */
  UNREACHABLE(503),
  TIMEOUT(504);

  private final int status;

  CallError(int status) {
    this.status = status;
  }

  /** The HTTP status the API answers with. */
  public int status() {
    return status;
  }

  /** The {@code "error"} code of the API's JSON answers, e.g. {@code not_acknowledged}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * True when the same call may succeed if sent again (with the same idempotency key): 503, 421 and
   * 504. A change that failed with a retryable error was not applied, or is applied once by a retry
   * with the same key.
   */
  public boolean retryable() {
    return status == 503 || status == 421 || status == 504;
  }

  /** The error of an API code; {@link #INTERNAL} for a code this version does not know. */
  public static CallError ofCode(String code) {
    if (code != null) {
      for (CallError e : values()) {
        if (e.code().equals(code)) {
          return e;
        }
      }
    }
    return INTERNAL;
  }
}
