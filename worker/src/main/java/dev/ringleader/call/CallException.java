package dev.ringleader.call;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A call that failed with one of the {@link CallError}s. The message is the server's ({@code
 * "message"} of its error body: what to do), or the client's own for a client-side failure.
 *
 * <p>Immutable. It carries no stack of the caller's thread's interest: it is made where the answer
 * arrived, usually an IO or scheduler thread.
 */
public final class CallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final CallError error;
  private final int status;
  private final Duration retryAfter;
  private final Integer restarts;

  /**
   * @param error the failure; not null
   * @param status the HTTP status the node answered, or {@code error.status()} when none answered
   * @param message the server's message (or the client's), not null
   * @param retryAfter the {@code Retry-After} of the answer, or null
   * @param restarts for {@link CallError#WORKER_CRASHED} and {@link CallError#WORKER_BACKOFF}: the
   *     worker's restart count from the answer, or null
   * @param cause what the client caught (an IOException for {@link CallError#UNREACHABLE}), or null
   */
  public CallException(CallError error, int status, String message, Duration retryAfter, Integer restarts,
      Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.error = Objects.requireNonNull(error, "error");
    this.status = status;
    this.retryAfter = retryAfter;
    this.restarts = restarts;
  }

  /** A failure with the error's own status and no Retry-After, restart count or cause. */
  public CallException(CallError error, String message) {
    this(error, error.status(), message, null, null, null);
  }

  public CallError error() {
    return error;
  }

  /** The HTTP status of the answer; {@code error().status()} for a client-side failure. */
  public int status() {
    return status;
  }

  /** {@code error().retryable()}. */
  public boolean retryable() {
    return error.retryable();
  }

  /** How long the node asked the caller to wait before sending again ({@code Retry-After}). */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** For a crash (or back-off after crashes): how many times the worker was restarted. */
  public OptionalInt restarts() {
    return restarts == null ? OptionalInt.empty() : OptionalInt.of(restarts);
  }

  @Override
  public String toString() {
    return "CallException{" + error.code() + " (" + status + "): " + getMessage() + "}";
  }
}
