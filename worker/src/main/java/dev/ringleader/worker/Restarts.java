package dev.ringleader.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restart bookkeeping of one {@link Activation}: how often its handler crashed, the recent
 * crash times inside its {@link RestartPolicy}'s window, and the end of the current back-off.
 *
 * <p>Threads: the activation's drain is the only writer of every field and the only user of
 * {@link #crashes}; {@link #count} and {@link #backoffRemaining} are read from any thread.
 */
final class Restarts {
  /** The activation's logger: these lines read as the worker's own. */
  private static final Logger LOG = LoggerFactory.getLogger(Activation.class);

  private final WorkerKey key;
  private final WorkerLimits limits;
  /** Crashes of this activation; written by the drain only. */
  private volatile int restarts;
  /** End of the current back-off, or null; written by the drain only, read lazily against now. */
  private volatile Instant backoffUntil;
  /** Recent crash times inside the restart window; drain only; null until the first crash. */
  private ArrayList<Instant> crashes;

  Restarts(WorkerKey key, WorkerLimits limits) {
    this.key = key;
    this.limits = limits;
  }

  /** Crashes of this activation so far; any thread. */
  int count() {
    return restarts;
  }

  /** The rest of the back-off at {@code now}, or null when the worker is not backing off. */
  Duration backoffRemaining(Instant now) {
    Instant until = backoffUntil;
    return until != null && now.isBefore(until) ? Duration.between(now, until) : null;
  }

  /** The drain handles a message outside a back-off: a back-off that was set is over. */
  void serving() {
    if (backoffUntil != null) {
      backoffUntil = null;
      LOG.info("worker {} back-off is over; serving again", key);
    }
  }

  /**
   * A handler threw; the state stays the last committed one ({@code version}): counts the crash and
   * maybe starts a back-off. Returns the new restart count. Drain only.
   */
  int crashed(Throwable crash, Instant now, long version) {
    int count = restarts + 1;
    restarts = count;
    RestartPolicy policy = limits.restartPolicy();
    if (crashes == null) {
      crashes = new ArrayList<>(policy.maxRestarts() + 1);
    }
    crashes.removeIf(at -> policy.expired(at, now));
    crashes.add(now);
    LOG.warn(
        "worker {} crashed; restarted with its last committed state (version {}), restart {}",
        key,
        version,
        count,
        crash);
    if (policy.shouldBackOff(crashes, now)) {
      backoffUntil = now.plus(policy.backoff());
      LOG.warn(
          "worker {} crashed {} times within {}; backing off until {}",
          key,
          crashes.size(),
          policy.window(),
          backoffUntil);
      crashes.clear();
    }
    return count;
  }
}
