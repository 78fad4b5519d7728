package dev.ringleader.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * When a crashing worker is stopped for a back-off instead of being restarted at once.
 *
 * <p>Every crash restarts the worker with its last committed state. When more than {@code
 * maxRestarts} crashes fall inside the last {@code window}, the worker backs off: for {@code
 * backoff} it refuses every message with {@link WorkerFailure.Kind#BACKOFF}; afterwards it serves
 * again with a clean crash history. The decision is a pure function of the crash times and now.
 *
 * @param maxRestarts crashes tolerated inside the window, {@code >= 0}
 * @param window the sliding window crashes are counted in, positive
 * @param backoff how long the worker refuses messages once it backs off, positive
 */
public record RestartPolicy(int maxRestarts, Duration window, Duration backoff) {
  /** 3 restarts in 10 s, then a 5 s back-off. */
  public static final RestartPolicy DEFAULT =
      new RestartPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(5));

  public RestartPolicy {
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("maxRestarts must be >= 0, was " + maxRestarts);
    }
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(backoff, "backoff");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, was " + window);
    }
    if (backoff.isNegative() || backoff.isZero()) {
      throw new IllegalArgumentException("backoff must be positive, was " + backoff);
    }
  }

  /**
   * True when more than {@code maxRestarts} of {@code recentCrashes} happened inside the window
   * that ends at {@code now}, that is in {@code (now - window, now]}.
   */
  public boolean shouldBackOff(List<Instant> recentCrashes, Instant now) {
    Objects.requireNonNull(now, "now");
    Instant windowStart = now.minus(window);
    long inside =
        recentCrashes.stream().filter(t -> t.isAfter(windowStart) && !t.isAfter(now)).count();
    return inside > maxRestarts;
  }

  /** True when a crash at {@code crashedAt} no longer counts at {@code now}. */
  boolean expired(Instant crashedAt, Instant now) {
    return !crashedAt.isAfter(now.minus(window));
  }
}
