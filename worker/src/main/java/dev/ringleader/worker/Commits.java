package dev.ringleader.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commits of one {@link Activation}: its last committed snapshot and the step that changes it.
 * {@link #begin} hands the next snapshot to the runtime's {@link Committer}; once the committer's
 * stage completed, {@link #finish} makes it the committed snapshot and answers the caller, or, when
 * the committer refused it, rolls the change back and fails the caller with {@link
 * WorkerFailure.Kind#NOT_ACKNOWLEDGED}.
 *
 * <p>Threads: the activation's drain is the only writer of {@link #last} and the only caller of
 * {@link #begin} and {@link #finish}; {@link #last()} is read from any thread.
 */
final class Commits<S> {
  /** The activation's logger: these lines read as the worker's own. */
  private static final Logger LOG = LoggerFactory.getLogger(Activation.class);

  private final Worker<S> worker;
  private final Committer committer;
  /** The last committed snapshot; written by the drain only. */
  private volatile Snapshot<S> last;

  Commits(Worker<S> worker, Committer committer) {
    this.worker = worker;
    this.committer = committer;
  }

  /** The last committed snapshot; any thread. */
  Snapshot<S> last() {
    return last;
  }

  /** Sets the first snapshot, before the activation is published. */
  void first(Snapshot<S> snapshot) {
    last = snapshot;
  }

  /**
   * Hands {@code next} to the committer; the returned stage completes when it is held, or fails
   * (also when the committer threw or returned null). {@link #last()} is unchanged until {@link
   * #finish}.
   */
  CompletionStage<Void> begin(Snapshot<S> next, LoggedMessage applied) {
    try {
      CompletionStage<Void> stage = committer.commit(worker, next, applied);
      if (stage == null) {
        throw new IllegalStateException("Committer.commit returned null for " + worker.key());
      }
      return stage;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Records the outcome of {@link #begin}: {@code error} is null when {@code next} is held. */
  void finish(Snapshot<S> next, Object reply, CompletableFuture<Object> future, Throwable error) {
    if (error == null) {
      last = next;
      future.complete(reply);
      return;
    }
    // Not acknowledged: roll the change back, so it is in no state that serves on or is merged
    // later. The version is used up (a replica may hold it): the next change goes above it.
    Snapshot<S> before = last;
    last = new Snapshot<>(next.version(), before.state(), before.recentReplies());
    Throwable cause = error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
    LOG.warn("worker {}: commit of version {} failed; not acknowledged, rolled back", worker.key(), next.version(),
        cause);
    future.completeExceptionally(
        WorkerFailure.notAcknowledged(worker.key(), worker.restarts(), next.version(), cause));
  }
}
