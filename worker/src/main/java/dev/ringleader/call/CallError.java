package dev.ringleader.call;

import java.util.HashMap;
import java.util.Map;

/**
 * Every failure a call can end with: the HTTP API's error codes and statuses ({@code {"error":
 * code, ...}}), plus the failures a client sees before any node answered ({@link #isClientSide()}).
 *
 * <p>{@link #retryable()} failures (421, 503, 504) may succeed if the same call is sent again; a
 * write sent again must carry the same {@code Idempotency-Key}, so that it is applied at most once.
 * Every other failure is final: sending the same call again gives the same answer.
 */
public enum CallError {
  BAD_JSON("bad_json", 400),
  BAD_REQUEST("bad_request", 400),
  /** The worker type rejected the message as invalid (not a crash). */
  BAD_MESSAGE("bad_message", 400),
  UNKNOWN_TYPE("unknown_type", 404),
  NOT_FOUND("not_found", 404),
  METHOD_NOT_ALLOWED("method_not_allowed", 405),
  /** An admin action without the node's admin token (setting --admin-token). */
  UNAUTHORIZED("unauthorized", 401),
  /** Between nodes only: a copy from a node that does not own the ID in the receiver's ring. */
  NOT_OWNER("not_owner", 409),
  /** Between nodes only: a delta copy whose previous version the backup does not hold. */
  BASE_MISSING("base_missing", 412),
  BODY_TOO_LARGE("body_too_large", 413),
  /** The node asked does not own the ID in its ring; ask the owner of a newer ring. */
  WRONG_OWNER("wrong_owner", 421),
  /** The handler threw; the worker was restarted with its last committed state, the message not applied. */
  WORKER_CRASHED("worker_crashed", 500),
  INTERNAL("internal", 500),
  WORKER_BACKOFF("worker_backoff", 503),
  MAILBOX_FULL("mailbox_full", 503),
  DETACHED_LOG_FULL("detached_log_full", 503),
  /** The change was not held by enough replicas and was rolled back; retry with the same key. */
  NOT_ACKNOWLEDGED("not_acknowledged", 503),
  BELOW_MIN_NODES("below_min_nodes", 503),
  NOT_SERVING("not_serving", 503),
  NO_RING("no_ring", 503),
  OWNER_UNREACHABLE("owner_unreachable", 503),
  NAME_HELD("name_held", 503),
  ZOOKEEPER_UNAVAILABLE("zookeeper_unavailable", 503),
  TIMEOUT("timeout", 504),
  /** Client side: no node could be reached (connection refused, reset or timed out on every attempt). */
  UNREACHABLE("unreachable", 503, true),
  /** Client side: the client already has as many calls in flight as it may; the call was not sent. */
  TOO_MANY_CALLS("too_many_calls", 503, true);

  private static final Map<String, CallError> BY_CODE = new HashMap<>();

  static {
    for (CallError e : values()) {
      BY_CODE.put(e.code, e);
    }
  }

  private final String code;
  private final int status;
  private final boolean clientSide;

  CallError(String code, int status) {
    this(code, status, false);
  }

  CallError(String code, int status, boolean clientSide) {
    this.code = code;
    this.status = status;
    this.clientSide = clientSide;
  }

  /** The {@code "error"} field of the HTTP API's error body, e.g. {@code "wrong_owner"}. */
  public String code() {
    return code;
  }

  /** The HTTP status the API answers this failure with (for client-side ones, the closest: 503). */
  public int status() {
    return status;
  }

  /** True for 421, 503 and 504: the same call (with the same Idempotency-Key) may succeed later. */
  public boolean retryable() {
    return status == 421 || status == 503 || status == 504;
  }

  /** True when no node gave this answer: the client decided it ({@link #UNREACHABLE}, {@link #TOO_MANY_CALLS}). */
  public boolean isClientSide() {
    return clientSide;
  }

  /**
   * The failure of an API error code.
   *
   * @throws IllegalArgumentException naming the code when it is not one of this vocabulary (a newer
   *     node may know more codes; {@link #ofAnswer} falls back on the status for those)
   */
  public static CallError ofCode(String code) {
    CallError e = code == null ? null : BY_CODE.get(code);
    if (e == null) {
      throw new IllegalArgumentException("unknown error code '" + code + "'; known: " + BY_CODE.keySet());
    }
    return e;
  }

  /**
   * The failure of an error answer: by its code when known, else by its status (400 bad_request,
   * 401, 404 not_found, 405, 409, 413, 421, 503 not_serving, 504 timeout, anything else internal).
   */
  public static CallError ofAnswer(String code, int status) {
    CallError e = code == null ? null : BY_CODE.get(code);
    if (e != null && !e.clientSide) {
      return e;
    }
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 409 -> NOT_OWNER;
      case 412 -> BASE_MISSING;
      case 413 -> BODY_TOO_LARGE;
      case 421 -> WRONG_OWNER;
      case 503 -> NOT_SERVING;
      case 504 -> TIMEOUT;
      default -> INTERNAL;
    };
  }
}
