package dev.ringleader.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * The short vocabulary of ways a message to a worker can fail. The supervisor maps {@link
 * Kind#CRASHED} to HTTP 500 and every other kind to 503 (with {@code Retry-After} when {@link
 * #retryAfter()} is set). The message says what the caller should do.
 *
 * <p>These are expected outcomes, not bugs, so they carry no stack trace.
 */
public final class WorkerFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The handler threw; the worker restarted with its last committed state; nothing changed. */
    CRASHED,
    /** The worker crashed too often and refuses messages until {@link #retryAfter()} passed. */
    BACKOFF,
    /** The worker's mailbox is full; nothing was queued. */
    MAILBOX_FULL,
    /** This activation has stopped; activate a new one and retry. */
    STOPPED,
    /** The state changed locally but its commit (replication) failed; retry with the same key. */
    NOT_ACKNOWLEDGED
  }

  private final Kind kind;
  private final WorkerKey key;
  private final int restarts;
  private final Duration retryAfter;

  private WorkerFailure(
      Kind kind, WorkerKey key, int restarts, Duration retryAfter, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.key = Objects.requireNonNull(key, "key");
    this.restarts = restarts;
    this.retryAfter = retryAfter;
  }

  /** The handler threw {@code cause}; this was restart number {@code restarts}. */
  public static WorkerFailure crashed(WorkerKey key, int restarts, Throwable cause) {
    return new WorkerFailure(
        Kind.CRASHED,
        key,
        restarts,
        null,
        "worker " + key + " crashed (" + describe(cause) + ") and was restarted with its last"
            + " committed state (restart " + restarts + "); the message was not applied: fix it"
            + " before sending it again",
        cause);
  }

  /** The worker backs off after too many crashes; it serves again after {@code retryAfter}. */
  public static WorkerFailure backoff(WorkerKey key, int restarts, Duration retryAfter) {
    return new WorkerFailure(
        Kind.BACKOFF,
        key,
        restarts,
        retryAfter,
        "worker " + key + " crashed " + restarts + " times and is backing off; retry after "
            + retryAfter.toMillis() + " ms",
        null);
  }

  /** The mailbox already holds {@code capacity} messages. */
  public static WorkerFailure mailboxFull(WorkerKey key, int restarts, int capacity) {
    return new WorkerFailure(
        Kind.MAILBOX_FULL,
        key,
        restarts,
        null,
        "the mailbox of worker " + key + " is full (" + capacity + " messages); retry later",
        null);
  }

  /** The activation stopped (or is stopping) before it could take the message. */
  public static WorkerFailure stopped(WorkerKey key, int restarts) {
    return new WorkerFailure(
        Kind.STOPPED,
        key,
        restarts,
        null,
        "this activation of worker " + key + " has stopped; activate a new one and retry",
        null);
  }

  /** Version {@code version} was applied locally but {@code cause} failed its commit. */
  public static WorkerFailure notAcknowledged(
      WorkerKey key, int restarts, long version, Throwable cause) {
    return new WorkerFailure(
        Kind.NOT_ACKNOWLEDGED,
        key,
        restarts,
        null,
        "worker " + key + " could not commit the update (version " + version + "): "
            + describe(cause) + "; it was rolled back here, but a backup may have kept it: retry with"
            + " the same request key",
        cause);
  }

  public Kind kind() {
    return kind;
  }

  /** The worker the message was for. */
  public WorkerKey key() {
    return key;
  }

  /** How many times the activation had crashed when this failure happened. */
  public int restarts() {
    return restarts;
  }

  /** When to retry; set for {@link Kind#BACKOFF}, null otherwise. */
  public Duration retryAfter() {
    return retryAfter;
  }

  private static String describe(Throwable cause) {
    if (cause == null) {
      return "no cause";
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }
}
