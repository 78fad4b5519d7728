package dev.ringleader.supervisor.internal.failure;

/**
 * Every error a client can see: a short, named vocabulary. The HTTP status of each is decided here
 * and nowhere else; {@link ErrorResponses} turns any exception into one of these.
 */
public enum Failure {
  BAD_JSON(400, "bad_json"),
  BAD_REQUEST(400, "bad_request"),
  /** The worker type rejected the message as invalid (not a crash). */
  BAD_MESSAGE(400, "bad_message"),
  /** An admin action without the node's admin token (setting --admin-token). */
  UNAUTHORIZED(401, "unauthorized"),
  UNKNOWN_TYPE(404, "unknown_type"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  /** Between nodes only: a delta copy whose previous version the backup does not hold; send the whole copy. */
  BASE_MISSING(412, "base_missing"),
  BODY_TOO_LARGE(413, "body_too_large"),
  /** A forwarded request reached a node that does not own the ID under its ring; retryable. */
  WRONG_OWNER(421, "wrong_owner"),
  /**
   * A copy ({@code PUT /internal/replicas/...}) from a node that does not own the ID in the
   * receiver's ring: not kept. Between nodes only; the sender's activation is stale and stops.
   */
  NOT_OWNER(409, "not_owner"),
  WORKER_CRASHED(500, "worker_crashed"),
  INTERNAL(500, "internal"),
  WORKER_BACKOFF(503, "worker_backoff"),
  MAILBOX_FULL(503, "mailbox_full"),
  /** A detached worker (partition mode available) holds as many changes as it may keep for the resolver. */
  DETACHED_LOG_FULL(503, "detached_log_full"),
  NOT_ACKNOWLEDGED(503, "not_acknowledged"),
  BELOW_MIN_NODES(503, "below_min_nodes"),
  NOT_SERVING(503, "not_serving"),
  NO_RING(503, "no_ring"),
  OWNER_UNREACHABLE(503, "owner_unreachable"),
  NAME_HELD(503, "name_held"),
  ZOOKEEPER_UNAVAILABLE(503, "zookeeper_unavailable"),
  TIMEOUT(504, "timeout");

  public final int status;
  final String code;

  Failure(int status, String code) {
    this.status = status;
    this.code = code;
  }

  boolean retryable() {
    return status == 503 || status == 421 || status == 504;
  }
}
