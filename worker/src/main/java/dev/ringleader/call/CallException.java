package dev.ringleader.call;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A call to a worker that failed: what the HTTP API answers as {@code {"error","message"}} with a
 * status, thrown (or completing a stage exceptionally) by the embedded API and the Java client.
 */
public class CallException extends RuntimeException {
  private final CallError error;
  private final Duration retryAfter;
  private final int restarts;

  /**
   * @param error what went wrong
   * @param message what to do, in the server's words
   * @param retryAfter when to try again (retryable errors), or null
   * @param restarts the worker's restart count for a crash, else -1
   */
  public CallException(CallError error, String message, Duration retryAfter, int restarts) {
    super(error.code() + ": " + message);
    this.error = Objects.requireNonNull(error, "error");
    this.retryAfter = retryAfter;
    this.restarts = restarts;
  }

  public CallException(CallError error, String message) {
    this(error, message, null, -1);
  }

  public CallError error() {
    return error;
  }

  /** The HTTP status of the error. */
  public int status() {
    return error.status();
  }

  /** True when the same call may succeed if sent again with the same idempotency key. */
  public boolean retryable() {
    return error.retryable();
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** For {@link CallError#WORKER_CRASHED}: how many times the worker's handler crashed; else -1. */
  public int restarts() {
    return restarts;
  }
}
