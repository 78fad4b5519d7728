package dev.ringleader.supervisor;

import dev.ringleader.worker.WorkerKey;
import java.util.concurrent.CompletableFuture;

/** Copies a committed state to the worker's backup nodes; completes when they hold it. */
interface Replicator {
  Replicator NONE = (key, state) -> CompletableFuture.completedFuture(null);

  CompletableFuture<Void> replicate(WorkerKey key, StoredState state);
}
