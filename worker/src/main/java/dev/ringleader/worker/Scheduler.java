package dev.ringleader.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The clock and timer of a {@link WorkerRuntime}, so that time-based behaviour (idle timeout,
 * maximum lifetime, restart back-off) can be tested with a manual clock.
 *
 * <p>Tasks run on the scheduler's own thread and must be short: the workers only enqueue a stop
 * or re-arm a timer from them.
 */
public interface Scheduler {
  /** The current time. */
  Instant now();

  /** Runs {@code task} once after {@code delay}, unless it is cancelled first. */
  Cancellable schedule(Duration delay, Runnable task);

  /** A scheduled task that can be cancelled; cancelling twice or after it ran does nothing. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }

  /** The wall clock and the given executor; the executor's owner shuts it down. */
  static Scheduler system(ScheduledExecutorService ses) {
    return new SystemScheduler(ses);
  }
}
