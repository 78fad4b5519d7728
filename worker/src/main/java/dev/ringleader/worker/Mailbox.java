package dev.ringleader.worker;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The mailbox of one {@link Activation} and its drain (the usual drain-loop actor): envelopes are
 * handed to the activation by at most one task at a time on the runtime's shared executor, with no
 * thread and no lock of their own.
 *
 * <p>Threads: senders (any thread, often IO threads) {@link #reserve} a place, {@link #add} the
 * envelope and set {@link #draining} to schedule the drain; they never block. {@link #draining} is
 * true from the drain's scheduling until it finds the mailbox empty, including while a commit is in
 * flight: the activation's handler then returns false, the drain returns from its task, and the
 * commit's completion {@link #dispatch}es a task that continues the {@link #drain}. Successive drain
 * tasks are ordered by the executor hand-off and the {@link #draining} flag.
 */
final class Mailbox {
  /** Messages handled in one executor task before the drain yields its thread to other workers. */
  private static final int BATCH = 64;

  private final Executor executor;
  private final int capacity;
  /** Handles one envelope; false when it waits for a commit that will continue the drain. */
  private final Predicate<Envelope> process;
  /** Told when the executor refused a task, before that task runs on the thread that offered it. */
  private final Consumer<RejectedExecutionException> refused;
  private final Runnable drainTask = this::drain;

  /** Any thread adds; only the drain polls. */
  private final ConcurrentLinkedQueue<Envelope> queue = new ConcurrentLinkedQueue<>();
  /** Counted envelopes in the mailbox; never above the capacity for long (rejected at once). */
  private final AtomicInteger queued = new AtomicInteger();
  /** True while a drain is scheduled, running or waiting for a commit. */
  private final AtomicBoolean draining = new AtomicBoolean();

  Mailbox(Executor executor, int capacity, Predicate<Envelope> process,
      Consumer<RejectedExecutionException> refused) {
    this.executor = executor;
    this.capacity = capacity;
    this.process = process;
    this.refused = refused;
  }

  /** Counted envelopes waiting; any thread. */
  int queued() {
    return queued.get();
  }

  /** True when no envelope waits and no drain is scheduled, running or waiting for a commit. */
  boolean idle() {
    return queued.get() == 0 && !draining.get();
  }

  /** Takes a place for a counted envelope; false, with no place taken, when the mailbox is full. */
  boolean reserve() {
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Adds {@code envelope} (its place reserved if it is counted) and schedules the drain. */
  void add(Envelope envelope) {
    queue.add(envelope);
    schedule();
  }

  private void schedule() {
    if (draining.compareAndSet(false, true)) {
      dispatch(drainTask);
    }
  }

  /** Runs a drain task on the executor; if it refuses, tells the activation, then runs it here. */
  void dispatch(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      refused.accept(e);
      task.run(); // with the refusal recorded, this runs no handler: it only fails and stops
    }
  }

  /** Handles envelopes until the mailbox is empty, a commit is in flight or a batch is done. */
  void drain() {
    for (int handled = 0; handled < BATCH; handled++) {
      Envelope envelope = queue.poll();
      if (envelope == null) {
        draining.set(false);
        if (!queue.isEmpty()) {
          schedule(); // a sender added after the poll and saw draining still set
        }
        return;
      }
      if (envelope.counted()) {
        queued.decrementAndGet();
      }
      if (!process.test(envelope)) {
        return; // a commit is in flight; its completion continues the drain
      }
    }
    dispatch(drainTask); // yield the thread to other workers; draining stays set
  }
}
