package dev.ringleader.supervisor.internal.failure;

import dev.ringleader.call.CallError;
import java.time.Duration;

/** A failure with a message that tells the client what to do. */
public final class RingleaderException extends RuntimeException {
  public final CallError failure;
  /** Retry-After for 503s; null when there is nothing to wait for. */
  final Duration retryAfter;
  /** Extra fields for the JSON body (e.g. the epoch of a wrong-owner answer), or null. */
  final Object detail;

  public RingleaderException(CallError failure, String message) {
    this(failure, message, null, null);
  }

  public RingleaderException(CallError failure, String message, Duration retryAfter, Object detail) {
    super(message, null, false, false);
    this.failure = failure;
    this.retryAfter = retryAfter;
    this.detail = detail;
  }
}
