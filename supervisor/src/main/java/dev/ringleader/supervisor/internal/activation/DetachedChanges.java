package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.supervisor.internal.replication.StoredState;
import dev.ringleader.worker.LoggedMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * What a detached activation did since it left the cluster's lineage (docs/conflict-resolution.md,
 * "the merge"): the state it diverged from and every change it accepted since, with its key, so the
 * owner can replay into its own worker only the changes it has not applied.
 *
 * <p>Bounded: at most {@code limit} changes (setting {@code detached-log-limit}); a change past it
 * is refused (the worker rolls it back, the client gets 503 and retries), never dropped from the log.
 *
 * <p>Written by the activation's worker drain (one commit at a time) and read when it stops; the
 * monitor guards both, so a reader from another thread sees a consistent pair.
 */
final class DetachedChanges {
  /** The last state shared with the cluster's lineage; null until the first change (then: the state before it). */
  private StoredState base;
  private final List<LoggedMessage> messages = new ArrayList<>();

  /** Continues the changes of an earlier detached activation of the key (its pending state). */
  synchronized void continueFrom(PendingState earlier) {
    base = earlier.base();
    messages.clear();
    messages.addAll(earlier.log());
  }

  /**
   * Records a change; {@code before} gives the state it was applied to (taken as the base at the
   * first change only).
   * False when the log is full: the change must be refused.
   */
  synchronized boolean add(java.util.function.Supplier<StoredState> before, LoggedMessage change, int limit) {
    if (messages.size() >= limit) {
      return false;
    }
    if (base == null) {
      base = before.get();
    }
    messages.add(change);
    return true;
  }

  /** The pending state of the activation that stopped at {@code last}, under its writer name. */
  synchronized PendingState pending(StoredState last, String lineage) {
    return new PendingState(base == null ? last : base, List.copyOf(messages), last, lineage);
  }

  synchronized int size() {
    return messages.size();
  }
}
