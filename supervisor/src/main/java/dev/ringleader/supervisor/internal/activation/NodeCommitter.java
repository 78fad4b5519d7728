package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.internal.failure.RingleaderException;
import dev.ringleader.supervisor.internal.replication.Replication;
import dev.ringleader.supervisor.internal.replication.StateStore;
import dev.ringleader.supervisor.internal.replication.StoredState;
import dev.ringleader.worker.Committer;
import dev.ringleader.worker.LoggedMessage;
import dev.ringleader.worker.Snapshot;
import dev.ringleader.worker.Worker;
import dev.ringleader.worker.WorkerKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * This node's {@link Committer}: a worker's change is stamped, offered to this node's
 * {@link StateStore} and replicated to its backups (per --ack); a detached activation's change is
 * kept in its log of changes for the conflict resolver instead.
 *
 * <p>Locks: none of its own.
 */
final class NodeCommitter implements Committer {
  /** The activation registry, to find the activation of a committing worker. */
  private final LocalSupervisor local;
  private final String node;
  private final WorkerTypes types;
  private final StateStore store;
  private final Replication replication;
  /**
   * True while a worker of a type in partition mode consistent may commit: connected to ZooKeeper
   * (not SUSPENDED, not LOST) and not suspecting a freeze of this process.
   */
  private final java.util.function.BooleanSupplier mayCommitConsistent;
  /** Changes a detached activation keeps for the resolver to replay (setting detached-log-limit). */
  private final int detachedLogLimit;

  NodeCommitter(LocalSupervisor local, String node, WorkerTypes types, StateStore store, Replication replication,
      java.util.function.BooleanSupplier mayCommitConsistent, int detachedLogLimit) {
    this.local = local;
    this.node = node;
    this.types = types;
    this.store = store;
    this.replication = replication;
    this.mayCommitConsistent = mayCommitConsistent;
    this.detachedLogLimit = detachedLogLimit;
  }

  /**
   * Runs on a worker thread after a handler changed the state, before the reply is sent. A refused
   * commit is rolled back by the worker and in this node's store; a backup that kept its copy keeps
   * it with the change's key (a retry with that key is applied once).
   */
  @Override
  public CompletionStage<Void> commit(Worker<?> worker, Snapshot<?> next, LoggedMessage applied) {
    WorkerKey key = worker.key();
    Activation a = local.activationOf(worker);
    if (a != null && a.detached()) {
      return keepDetached(a, worker, next, applied);
    }
    if (!types.available(key.type()) && !mayCommitConsistent.getAsBoolean()) {
      // Partition mode consistent: from SUSPENDED on, nothing commits (a new owner may start once
      // the session expires, before this node hears LOST); queued messages are refused too.
      return CompletableFuture.failedFuture(new RingleaderException(CallError.NOT_SERVING, "node " + node
          + " is cut off from ZooKeeper (partition-mode consistent): the change to " + key + " was not applied",
          Duration.ofSeconds(1), null));
    }
    // Stamped with this activation and this node's ring epoch: backups fence and order copies by it.
    StoredState stored = replication.stamp(next, a == null ? 0 : a.incarnation);
    StoredState acknowledged = store.get(key);
    store.offerOwn(key, stored); // shown to other nodes only once held (scenario 2c)
    // Scenario 2c: when this activation committed the previous version (still this node's copy: a
    // refused commit puts the one before back), a backup holding it needs only this change's reply.
    String deltaKey = applied != null && applied.requestKey() != null && acknowledged != null
        && acknowledged.version() == next.version() - 1 && node.equals(acknowledged.owner())
        && acknowledged.incarnation() == stored.incarnation() ? applied.requestKey() : null;
    CompletableFuture<Void> held = replication.replicate(key, stored, deltaKey).thenCompose(v ->
        types.available(key.type()) || mayCommitConsistent.getAsBoolean()
            ? CompletableFuture.<Void>completedFuture(null)
            // Partition mode consistent: a copy held only after SUSPENDED is not acknowledged (the
            // backup may keep it; a retry with the same key is applied once).
            : CompletableFuture.<Void>failedFuture(new RingleaderException(CallError.NOT_SERVING, "node " + node
                + " was cut off from ZooKeeper while the change to " + key + " was being copied; not acknowledged",
                Duration.ofSeconds(1), null)));
    return held.whenComplete((ok, refused) -> {
      if (refused == null) {
        try {
          store.commitHeld(key, stored); // with a durability on disk: written now, before the reply
        } catch (RuntimeException diskFailed) {
          store.commitRefused(key, stored); // not acknowledged: the worker rolls back
          throw diskFailed;
        }
      } else {
        // The worker rolls the change back; this node's own copy goes back to the one the commit
        // replaced (acknowledged, with its own stamp): a later activation here must not start from a change
        // its client was told failed, and a copy under the used-up version must not outrank
        // another owner's acknowledged one.
        store.commitRefused(key, stored);
      }
    });
  }

  /**
   * A detached activation's change is held by this activation alone until the resolver merges it:
   * not in the store (a copy of another lineage under the same version would confuse the fencing of
   * replicas), but in its log of changes, which the owner replays.
   */
  private CompletionStage<Void> keepDetached(Activation a, Worker<?> worker, Snapshot<?> next, LoggedMessage applied) {
    if (applied == null) {
      if (next.version() == worker.snapshot().version()) {
        return CompletableFuture.completedFuture(null); // a retry answered from memory: nothing new
      }
      // A merge: a detached worker's state is itself merged later from its base and its log, which
      // a merged-in state is in neither of; refused (rolled back), the resolver sends it again.
      return CompletableFuture.failedFuture(new RingleaderException(CallError.NOT_SERVING, "the worker " + a.key
          + " on " + node + " is detached; it takes no merge until this node is in touch with ZooKeeper again",
          Duration.ofSeconds(1), null));
    }
    LoggedMessage keyed = new LoggedMessage(applied.requestKey() != null ? applied.requestKey()
        : "~" + a.writer + "/" + next.version(), applied.message().deepCopy()); // a key: replayed once if merged twice
    if (!a.changes.add(() -> StoredState.of(worker.snapshot(), node), keyed, detachedLogLimit)) {
      return CompletableFuture.failedFuture(new RingleaderException(CallError.DETACHED_LOG_FULL, "the detached worker "
          + a.key + " on " + node + " holds " + detachedLogLimit + " changes for the conflict resolver (setting "
          + "detached-log-limit); the change was not applied; retry once the split heals", Duration.ofSeconds(1), null));
    }
    return CompletableFuture.completedFuture(null);
  }
}
