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
 * If the stage completes exceptionally the snapshot still counts as committed locally (a replica
 * may hold it) and the caller gets {@link WorkerFailure.Kind#NOT_ACKNOWLEDGED}.
 */
@FunctionalInterface
public interface Committer {
  /** Replicates {@code next}; completes normally once it is held where the supervisor requires. */
  CompletionStage<Void> commit(WorkerKey key, Snapshot<?> next);

  /** A committer that keeps nothing beyond the local worker: every commit succeeds at once. */
  static Committer local() {
    return (key, next) -> CompletableFuture.completedFuture(null);
  }
}
