package dev.ringleader.client;

import java.time.Duration;

/**
 * Exponential back-off with jitter, a pure function: before retry {@code n} (1 for the first
 * retry) the delay is {@code min(max, initial * 2^(n-1))}, scaled by a random factor in [0.5, 1)
 * ("equal jitter"), so that clients that failed together do not retry together.
 */
record Backoff(Duration initial, Duration max) {
  /** The delay before retry {@code retry} (1-based), for a {@code random} value in [0, 1). */
  Duration delay(int retry, double random) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be >= 1, was " + retry);
    }
    long cap = max.toNanos();
    long d = Math.min(initial.toNanos(), cap);
    for (int i = 1; i < retry && d < cap; i++) {
      d = d > cap / 2 ? cap : d * 2;
    }
    return Duration.ofNanos((long) (d * (0.5 + random / 2)));
  }
}
