package dev.ringleader.supervisor.internal.coordinator;

import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.VersionedRing;
import dev.ringleader.supervisor.internal.node.Timeouts;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Lets a request wait, without a thread, for this node to see a newer ring. Waiters are bounded by
 * the number of requests in flight and each has a timeout; on timeout it completes with the ring
 * this node has then. What follows a wait (a retried forward, a replica copy) runs on the node's
 * executor ({@link Timeouts}), never on Curator's event thread or the JDK's delay thread.
 */
public final class RingWaiter {
  private record Waiter(long epoch, CompletableFuture<VersionedRing> future) {}

  private final RingStore store;
  private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();
  private final Timeouts timeouts;

  public RingWaiter(RingStore store, Timeouts timeouts) {
    this.store = store;
    this.timeouts = timeouts;
    store.addListener(this::onRing);
  }

  /** Completes with the first ring whose epoch is at least {@code epoch}, or the current one on timeout. */
  public CompletableFuture<VersionedRing> atLeast(long epoch, Duration timeout) {
    VersionedRing now = store.current();
    if (now.epoch() >= epoch) {
      return CompletableFuture.completedFuture(now);
    }
    Waiter w = new Waiter(epoch, new CompletableFuture<>());
    waiting.add(w);
    // A ring may have arrived between the check and the add.
    onRing(store.current());
    w.future.whenComplete((r, e) -> waiting.remove(w));
    return timeouts.completeOnTimeout(w.future, null, timeout).thenApply(r -> r == null ? store.current() : r);
  }

  /** On Curator's thread (or the caller's): the woken waits continue on the node's executor. */
  private void onRing(VersionedRing ring) {
    for (Waiter w : waiting) {
      if (ring.epoch() >= w.epoch && !w.future.isDone()) {
        timeouts.execute(() -> w.future.complete(ring));
      }
    }
  }
}
