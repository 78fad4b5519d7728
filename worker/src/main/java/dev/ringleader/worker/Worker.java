package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One live activation of one worker ID on this node, made by {@link WorkerRuntime#activate}.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>One message at a time: messages ({@link #tell}, {@link #read}, {@link #mergeIn}) run in
 *       mailbox order on the runtime's shared executor, and a message is finished only when its
 *       commit finished, so no two handlers of one worker overlap and every handler sees the
 *       state the previous one committed. Different workers run in parallel.
 *   <li>No method blocks its caller: each answers with a future. Callers may be IO threads.
 *   <li>A reply that changed the state is given only after {@link Committer#commit} completed.
 *   <li>A handler that throws fails its own message with {@link WorkerFailure.Kind#CRASHED}; the
 *       worker keeps its last committed state. Too many crashes put it in {@link Status#BACKOFF}.
 *   <li>The mailbox is bounded; a full mailbox rejects, it never blocks.
 *   <li>The listener hears exactly once that the activation stopped.
 * </ul>
 *
 * <p>Every accessor is safe from any thread.
 */
public interface Worker<S> {
  /** The lifecycle of an activation: RUNNING ⇄ BACKOFF → STOPPING → STOPPED. */
  enum Status {
    /** Takes and handles messages. */
    RUNNING,
    /** Crashed too often; refuses messages with {@link WorkerFailure.Kind#BACKOFF} for a while. */
    BACKOFF,
    /** Asked to stop: refuses new messages, finishes the ones it accepted. */
    STOPPING,
    /** Finished; every message fails with {@link WorkerFailure.Kind#STOPPED}. */
    STOPPED
  }

  WorkerKey key();

  WorkerType<S> type();

  /** The limits this activation runs under. */
  WorkerLimits limits();

  /** When this activation started. */
  Instant startedAt();

  /** When the maximum lifetime ends this activation, if it has one. */
  Optional<Instant> expiresAt();

  /** How many times a handler of this activation crashed. */
  int restarts();

  Status status();

  /**
   * The last committed snapshot. After a commit that was not acknowledged, the state before it,
   * under the refused version's number.
   */
  Snapshot<S> snapshot();

  /** How many accepted messages wait in the mailbox, not counting the one being handled. */
  int queued();

  /**
   * Sends a message to the handler. Completes with the handler's reply, or fails with a {@link
   * WorkerFailure}. With a non-null {@code requestKey}, a retry of a request whose reply is still
   * remembered completes with the remembered reply (as a {@link JsonNode}) without running the
   * handler again; in mailbox order, and only after the current snapshot has been committed again
   * (its first commit may have failed), so the reply to a retry is as durable as the first.
   *
   * @param requestKey the caller's idempotency key, or null
   */
  CompletableFuture<Object> tell(JsonNode message, String requestKey);

  /** In mailbox order, completes with {@link WorkerType#view} of the committed state. */
  CompletableFuture<Object> read();

  /**
   * In mailbox order, merges what a duplicate activation did apart from this one (the conflict
   * resolver's step, docs/conflict-resolution.md; {@link LineageMerge}): its base state is taken
   * in by the type's {@link MergeRule} ({@link WorkerType#merge} when mergeable; otherwise this
   * state is kept, unless this activation never committed, in which case the base is taken), then
   * every message it applied since its base is replayed through the handler unless this activation
   * already remembers its idempotency key, so a change applied on both sides counts once. The
   * version becomes {@code max(this, other) + 1}. Committed like a change (a refused commit is
   * rolled back, so the resolver may simply send again; a lineage already merged changes nothing).
   * Completes with a {@link MergeReport}. Runs during a back-off too, so that the other
   * activation's changes are not lost.
   */
  CompletableFuture<Object> mergeIn(DuplicateLineage<S> other);

  /**
   * Stops taking messages (new ones fail with {@link WorkerFailure.Kind#STOPPED}), answers the
   * ones already accepted, then stops, tells the listener once and completes with the last
   * committed snapshot. Idempotent: later calls return the same future and keep the first reason.
   */
  CompletableFuture<Snapshot<S>> stop(StopReason reason);
}
