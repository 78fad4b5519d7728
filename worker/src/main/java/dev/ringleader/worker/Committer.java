package dev.ringleader.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Makes a worker's next snapshot durable before its reply is sent; the supervisor replicates
 * there. One hook, one purpose.
 *
 * <p>Called by the runtime on an executor thread, never from inside a lock, at most once at a time
 * per worker and in version order. The worker handles no further message until the returned stage
 * completes, so an implementation must complete it (with a timeout of its own) and must not block.
 * If the stage completes exceptionally the change is rolled back: the worker goes on from the state
 * before it (under the refused version's number, so versions stay monotonic and no later change
 * reuses it), and the caller gets {@link WorkerFailure.Kind#NOT_ACKNOWLEDGED}. A refused change is
 * thus never in a state that later serves or is merged; a replica that kept it anyway holds it with
 * its idempotency key, so a retry with that key is still applied once.
 */
@FunctionalInterface
public interface Committer {
  /**
   * Replicates {@code next}; completes normally once it is held where the supervisor requires.
   *
   * @param worker the worker that commits; its {@link Worker#snapshot()} is still the previous
   *     version while this runs
   * @param applied the message whose handler made {@code next}, or null when {@code next} is not
   *     a new change (a retry answered from memory commits the current snapshot again) or is a merge
   */
  CompletionStage<Void> commit(Worker<?> worker, Snapshot<?> next, LoggedMessage applied);

  /** A committer that keeps nothing beyond the local worker: every commit succeeds at once. */
  static Committer local() {
    return (worker, next, applied) -> CompletableFuture.completedFuture(null);
  }
}
