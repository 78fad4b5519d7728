package dev.ringleader.supervisor.internal.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Timeouts and delays on this node's own threads. The JDK's {@code orTimeout},
 * {@code completeOnTimeout} and {@code delayedExecutor} fire on one process-wide
 * {@code CompletableFutureDelayScheduler} thread, and whatever depends on the future (a retry, a
 * forward, even a {@code tell}) then runs there, shared by every node in the JVM; {@code *Async}
 * without an executor runs on the common pool (one thread on 2 cores). Here the timer only
 * schedules, and the completion that wakes the dependents runs on {@code executor}.
 *
 * <p>A future that completes in time is left alone: its dependents run where it completed. When the
 * node is stopping and an executor refuses, the completion runs on the calling thread, so no future
 * is left hanging. Thread-safe.
 */
public final class Timeouts {
  private final ScheduledExecutorService timer;
  private final Executor executor;

  public Timeouts(ScheduledExecutorService timer, Executor executor) {
    this.timer = timer;
    this.executor = executor;
  }

  /** As {@link CompletableFuture#orTimeout}: {@code f} itself fails with a {@link TimeoutException} after {@code timeout}. */
  public <T> CompletableFuture<T> orTimeout(CompletableFuture<T> f, Duration timeout) {
    return onTimeout(f, timeout, () -> f.completeExceptionally(new TimeoutException(
        "no answer within " + timeout.toMillis() + " ms")));
  }

  /** As {@link CompletableFuture#completeOnTimeout}: {@code f} itself completes with {@code value} after {@code timeout}. */
  public <T> CompletableFuture<T> completeOnTimeout(CompletableFuture<T> f, T value, Duration timeout) {
    return onTimeout(f, timeout, () -> f.complete(value));
  }

  /** Completes, on the executor, after {@code delay}. */
  public CompletableFuture<Void> after(Duration delay) {
    CompletableFuture<Void> out = new CompletableFuture<>();
    schedule(delay, () -> out.complete(null));
    return out;
  }

  /** Runs {@code task} on the executor (on the caller's thread if the executor refuses: the node is stopping). */
  public void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  private <T> CompletableFuture<T> onTimeout(CompletableFuture<T> f, Duration timeout, Runnable expire) {
    if (f.isDone()) {
      return f;
    }
    ScheduledFuture<?> task = schedule(timeout, expire);
    if (task != null) {
      f.whenComplete((v, e) -> task.cancel(false));
    }
    return f;
  }

  /** Schedules {@code task} on the executor after {@code delay}; at once if the timer refuses. */
  private ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    try {
      return timer.schedule(() -> execute(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      execute(task); // the node is stopping: time out now rather than never
      return null;
    }
  }
}
