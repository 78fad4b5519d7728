package dev.ringleader.registry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** The registry tests' wait for a condition: checked every 20 ms on a timer thread, 15 s at most. */
final class Conditions {
  private Conditions() {}

  static void until(String what, BooleanSupplier condition) {
    CompletableFuture<Void> met = new CompletableFuture<>();
    ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor();
    try {
      checker.scheduleWithFixedDelay(() -> {
        try {
          if (condition.getAsBoolean()) {
            met.complete(null);
          }
        } catch (RuntimeException e) {
          met.completeExceptionally(e);
        }
      }, 0, 20, TimeUnit.MILLISECONDS);
      met.get(15, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out waiting for: " + what);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      checker.shutdownNow();
    }
  }
}
