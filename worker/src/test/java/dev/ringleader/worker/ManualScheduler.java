package dev.ringleader.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose time moves only when a test calls {@link #advance}; due tasks run on
 * the test's thread in time order (ties in scheduling order), including tasks they schedule.
 */
final class ManualScheduler implements Scheduler {
  private record Task(Instant due, long seq, Runnable body, boolean[] cancelled) {}

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) -> {
            int byTime = a.due().compareTo(b.due());
            return byTime != 0 ? byTime : Long.compare(a.seq(), b.seq());
          });
  private Instant now;
  private long seq;

  ManualScheduler(Instant start) {
    this.now = start;
  }

  ManualScheduler() {
    this(Instant.parse("2024-01-01T00:00:00Z"));
  }

  @Override
  public synchronized Instant now() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    boolean[] cancelled = {false};
    tasks.add(new Task(now.plus(delay), seq++, task, cancelled));
    return () -> {
      synchronized (ManualScheduler.this) {
        cancelled[0] = true;
      }
    };
  }

  /** Moves time forward by {@code step}, running every task that falls due, in order. */
  void advance(Duration step) {
    Instant target;
    synchronized (this) {
      target = now.plus(step);
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due().isAfter(target)) {
          now = target;
          return;
        }
        tasks.poll();
        if (next.due().isAfter(now)) {
          now = next.due();
        }
        if (next.cancelled()[0]) {
          continue;
        }
      }
      next.body().run();
    }
  }

  /** Tasks scheduled and neither run nor cancelled. */
  synchronized List<Instant> pending() {
    List<Instant> due = new ArrayList<>();
    for (Task task : tasks) {
      if (!task.cancelled()[0]) {
        due.add(task.due());
      }
    }
    return due;
  }
}
