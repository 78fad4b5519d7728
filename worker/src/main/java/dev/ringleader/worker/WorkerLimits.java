package dev.ringleader.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of one worker activation, validated once here.
 *
 * <table>
 *   <caption>Defaults of {@link #of(WorkerType)}</caption>
 *   <tr><th>limit</th><th>default</th><th>on overflow</th></tr>
 *   <tr><td>idleTimeout</td><td>{@link WorkerType#idleTimeout()} (5 min)</td>
 *       <td>the worker stops with {@link StopReason#IDLE}; zero means never</td></tr>
 *   <tr><td>maxLifetime</td><td>{@link WorkerType#maxLifetime()} (none)</td>
 *       <td>the worker stops with {@link StopReason#LIFETIME} after answering what it accepted;
 *       zero means never</td></tr>
 *   <tr><td>mailboxCapacity</td><td>1000</td>
 *       <td>a further message is rejected at once with {@link WorkerFailure.Kind#MAILBOX_FULL}</td></tr>
 *   <tr><td>restartPolicy</td><td>{@link RestartPolicy#DEFAULT}</td>
 *       <td>messages fail with {@link WorkerFailure.Kind#BACKOFF} during a back-off</td></tr>
 *   <tr><td>recentRepliesKept</td><td>32</td>
 *       <td>the oldest remembered reply is forgotten; a retry with its key runs again</td></tr>
 * </table>
 */
public record WorkerLimits(
    Duration idleTimeout,
    Duration maxLifetime,
    int mailboxCapacity,
    RestartPolicy restartPolicy,
    int recentRepliesKept) {

  public static final int DEFAULT_MAILBOX_CAPACITY = 1000;
  public static final int DEFAULT_RECENT_REPLIES_KEPT = 32;

  public WorkerLimits {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(maxLifetime, "maxLifetime");
    Objects.requireNonNull(restartPolicy, "restartPolicy");
    if (idleTimeout.isNegative()) {
      throw new IllegalArgumentException("idleTimeout must be >= 0 (0 = never), was " + idleTimeout);
    }
    if (maxLifetime.isNegative()) {
      throw new IllegalArgumentException("maxLifetime must be >= 0 (0 = never), was " + maxLifetime);
    }
    if (mailboxCapacity < 1) {
      throw new IllegalArgumentException("mailboxCapacity must be >= 1, was " + mailboxCapacity);
    }
    if (recentRepliesKept < 0) {
      throw new IllegalArgumentException(
          "recentRepliesKept must be >= 0, was " + recentRepliesKept);
    }
  }

  /** The type's idle timeout and lifetime with the defaults above. */
  public static WorkerLimits of(WorkerType<?> type) {
    return new WorkerLimits(
        type.idleTimeout(),
        type.maxLifetime(),
        DEFAULT_MAILBOX_CAPACITY,
        RestartPolicy.DEFAULT,
        DEFAULT_RECENT_REPLIES_KEPT);
  }

  public WorkerLimits withIdleTimeout(Duration value) {
    return new WorkerLimits(value, maxLifetime, mailboxCapacity, restartPolicy, recentRepliesKept);
  }

  public WorkerLimits withMaxLifetime(Duration value) {
    return new WorkerLimits(idleTimeout, value, mailboxCapacity, restartPolicy, recentRepliesKept);
  }

  public WorkerLimits withMailboxCapacity(int value) {
    return new WorkerLimits(idleTimeout, maxLifetime, value, restartPolicy, recentRepliesKept);
  }

  public WorkerLimits withRestartPolicy(RestartPolicy value) {
    return new WorkerLimits(idleTimeout, maxLifetime, mailboxCapacity, value, recentRepliesKept);
  }

  public WorkerLimits withRecentRepliesKept(int value) {
    return new WorkerLimits(idleTimeout, maxLifetime, mailboxCapacity, restartPolicy, value);
  }
}
