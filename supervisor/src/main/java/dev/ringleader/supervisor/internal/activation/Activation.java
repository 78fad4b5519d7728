package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.worker.Worker;
import dev.ringleader.worker.WorkerKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One activation of a worker on this node, from the claim of its global name to its stop.
 * {@link #ready} completes with the worker once the name is held and the state restored, or fails.
 */
final class Activation {
  final WorkerKey key;
  /** Unique per activation on this node; written into the global name, checked on release. */
  final long incarnation;
  /** The ring epoch under which it started. */
  final long epoch;
  final long since = System.currentTimeMillis();
  final CompletableFuture<Worker<?>> ready = new CompletableFuture<>();
  /** False once the session that held the name is gone: there is nothing left to release. */
  volatile boolean nameHeld = true;
  /** True once its name was created (in the session of that moment). */
  volatile boolean claimed;
  /** True when the session that created its name was lost before it started (mode consistent). */
  volatile boolean nameLost;
  /**
   * Why it serves without a global name held by a live session (partition mode available: a
   * provisional one, or one whose session was lost), or null. A detached activation commits only
   * here and is never handed over; when it stops, its last state waits for the conflict resolver.
   */
  private final AtomicReference<String> detachedBecause = new AtomicReference<>();
  /** The name its changes count under in mergeable states ({@code WorkerContext.writer()}). */
  final String writer;
  /** While detached: the state it diverged from and the changes it accepted since (empty otherwise). */
  final DetachedChanges changes = new DetachedChanges();

  Activation(WorkerKey key, long incarnation, long epoch, String writer) {
    this.key = key;
    this.incarnation = incarnation;
    this.epoch = epoch;
    this.writer = writer;
  }

  boolean detached() {
    return detachedBecause.get() != null;
  }

  String detachedBecause() {
    return detachedBecause.get();
  }

  /** Marks it detached; true for the one call that did (it may come from several threads). */
  boolean detach(String why) {
    return detachedBecause.compareAndSet(null, why);
  }

  /** The worker if ready, else null. */
  Worker<?> worker() {
    return ready.isDone() && !ready.isCompletedExceptionally() ? ready.join() : null;
  }
}
