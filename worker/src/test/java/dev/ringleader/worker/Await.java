package dev.ringleader.worker;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Deadline-based waits: never a bare sleep. */
final class Await {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Await() {}

  /** The future's value, failing the test if it does not complete within the timeout. */
  static <T> T value(CompletableFuture<T> future) throws Exception {
    return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The {@link WorkerFailure} the future fails with, within the timeout. */
  static WorkerFailure failure(CompletableFuture<?> future) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    return assertInstanceOf(WorkerFailure.class, e.getCause());
  }

  /** Polls {@code condition} until it holds, failing the test after the timeout. */
  static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      LockSupport.parkNanos(1_000_000); // the polling interval; the deadline bounds the wait
    }
  }
}
