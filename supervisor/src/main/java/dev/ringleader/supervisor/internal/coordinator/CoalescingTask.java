package dev.ringleader.supervisor.internal.coordinator;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task that a burst of {@link #trigger()} calls runs once: at most one run is pending at a time,
 * and a trigger during a run schedules exactly one more (the pending flag is cleared when a run
 * starts). Runs happen on the given executor (a single thread, so they never overlap). Cheap to
 * trigger from any thread; a closed executor drops the trigger.
 */
public final class CoalescingTask {
  private final Executor executor;
  private final Runnable task;
  private final AtomicBoolean pending = new AtomicBoolean();

  public CoalescingTask(Executor executor, Runnable task) {
    this.executor = executor;
    this.task = task;
  }

  public void trigger() {
    if (!pending.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(() -> {
        pending.set(false);
        task.run();
      });
    } catch (RejectedExecutionException e) {
      pending.set(false);
    }
  }
}
