package dev.ringleader.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Scheduler} on the wall clock and a {@link ScheduledExecutorService}. */
final class SystemScheduler implements Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(SystemScheduler.class);

  private final ScheduledExecutorService ses;

  SystemScheduler(ScheduledExecutorService ses) {
    this.ses = Objects.requireNonNull(ses, "ses");
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task");
    ScheduledFuture<?> future =
        ses.schedule(
            () -> {
              try {
                task.run();
              } catch (RuntimeException e) {
                LOG.error("scheduled task failed", e);
              }
            },
            nanos(delay),
            TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  /** The delay in nanoseconds, clamped to [0, Long.MAX_VALUE]. */
  private static long nanos(Duration delay) {
    if (delay.isNegative()) {
      return 0;
    }
    try {
      return delay.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
