package dev.ringleader.client;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Idempotency keys: a random prefix per client and a counter (unique without a lock). */
final class IdempotencyKeys {
  private final String keyPrefix = "rc-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + "-";
  private final AtomicLong keys = new AtomicLong();

  /** A key no earlier call of this client used. */
  String next() {
    return keyPrefix + keys.incrementAndGet();
  }
}
