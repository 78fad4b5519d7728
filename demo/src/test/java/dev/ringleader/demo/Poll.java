package dev.ringleader.demo;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition with a deadline, checking it every {@code period} on a timer of its own (for
 * measurements that need a finer period than {@link DemoProcesses#pause()}'s 100 ms).
 */
final class Poll {
  private Poll() {}

  /** True once {@code condition} holds (checked every {@code period}); false when {@code deadline} passed first. */
  static boolean until(Duration deadline, Duration period, BooleanSupplier condition) throws InterruptedException {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    CompletableFuture<Void> met = new CompletableFuture<>();
    try {
      timer.scheduleWithFixedDelay(() -> {
        try {
          if (condition.getAsBoolean()) {
            met.complete(null);
          }
        } catch (RuntimeException e) {
          met.completeExceptionally(e);
        }
      }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
      met.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("the condition failed: " + e.getCause(), e.getCause());
    } finally {
      timer.shutdownNow();
    }
  }
}
