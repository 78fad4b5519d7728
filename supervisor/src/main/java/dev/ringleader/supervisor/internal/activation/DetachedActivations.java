package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.call.CallError;
import dev.ringleader.registry.WorkerNames;
import dev.ringleader.supervisor.internal.failure.RingleaderException;
import dev.ringleader.supervisor.internal.node.NodeMetrics;
import dev.ringleader.supervisor.internal.replication.StateStore;
import dev.ringleader.supervisor.internal.replication.StoredState;
import dev.ringleader.worker.DuplicateLineage;
import dev.ringleader.worker.MergeReport;
import dev.ringleader.worker.Snapshot;
import dev.ringleader.worker.StopReason;
import dev.ringleader.worker.Worker;
import dev.ringleader.worker.WorkerKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conflict resolver's side of this node's activations (docs/conflict-resolution.md): in
 * partition mode available, a worker whose session is lost, or a provisional one for an unreachable
 * owner, is <em>detached</em>: it serves without a name and commits only here; when it stops, its
 * last state waits in {@link PendingStates} until the {@link dev.ringleader.supervisor.internal.handoff.ConflictResolver ConflictResolver} has it merged into
 * the ring owner's worker ({@link #mergeDuplicate}, or {@link #settleHere} when this node is the
 * owner: a new activation merges them before it serves).
 *
 * <p>Locks: none of its own. The activations are {@link LocalSupervisor}'s; {@link #pending} is
 * thread-safe.
 */
public final class DetachedActivations {
  private static final Logger log = LoggerFactory.getLogger(DetachedActivations.class);

  /** The activation registry whose detached activations these are. */
  private final LocalSupervisor local;
  private final String node;
  private final WorkerTypes types;
  private final WorkerNames names;
  private final StateStore store;
  private final NodeMetrics metrics;
  private final OwnershipHistory history;
  private final WriterNames writers;
  /** The last states of detached activations that stopped, until the ring owner merged them. */
  private final PendingStates pending = new PendingStates();

  DetachedActivations(LocalSupervisor local, String node, WorkerTypes types, WorkerNames names, StateStore store,
      NodeMetrics metrics, OwnershipHistory history, WriterNames writers) {
    this.local = local;
    this.node = node;
    this.types = types;
    this.names = names;
    this.store = store;
    this.metrics = metrics;
    this.history = history;
    this.writers = writers;
  }

  /**
   * Starts a detached activation without a name, from the newest state this node has: the last
   * state of an earlier detached activation of the key still waiting to be merged (which it then
   * continues: that one's base and changes become its own, so they are merged once), or its copy,
   * or the initial state. (Starting from an older one would take back changes it acknowledged.)
   */
  void startDetached(Activation a, String why) {
    a.nameHeld = false;
    a.detach(why);
    metrics.detached(a.key.type());
    StoredState from = store.get(a.key);
    PendingState continued = null;
    for (PendingState waiting : pending.get(a.key)) {
      if (waiting.last().newerThan(continued == null ? from : continued.last())) {
        continued = waiting;
      }
    }
    if (continued != null && pending.wasSent(continued)) {
      // Its merge may be applied already (the answer lost): continuing it would replay its changes
      // again under a new merge key, and starting from an older state would take changes back.
      local.fail(a, new RingleaderException(CallError.NOT_SERVING, "the last state of " + a.key + " on " + node
          + " is being merged into its owner's worker; retry shortly", Duration.ofSeconds(1), null));
      return;
    }
    if (continued != null) {
      pending.remove(a.key, continued);
      a.changes.continueFrom(continued);
      from = continued.last();
    }
    local.activator().startWith(a, types.get(a.key.type()), from);
  }

  /**
   * Partition mode available: this activation goes on without its backups or its name; its
   * changes are kept here until the conflict resolver merges them into the ring owner's worker.
   */
  void detach(Activation a, String why) {
    if (a == null || !a.detach(why)) {
      return; // none, or already detached (this is called from the Curator thread and commit completions)
    }
    writers.detached();
    // This node's own copy may hold a version its backups never acknowledged; another activation
    // may commit that same version number with other content. The detached worker holds all of it
    // and its state is merged, so the copy goes (it would shadow the other lineage's copies here).
    store.removeIfOwner(a.key, node);
    metrics.detached(a.key.type());
    history.add(a.key, a.epoch, "detached", why);
    log.warn("worker {} on {} is detached ({}); it serves on and is merged when the split heals", a.key, node, why);
  }

  /** Stops a detached activation; its last state goes to {@link #pending} (see {@link LocalSupervisor#stopped}). */
  CompletableFuture<Void> retire(Activation a) {
    return a.ready.thenCompose(w -> w.stop(StopReason.REQUESTED)).handle((v, e) -> null);
  }

  /** The last state of a detached activation that stopped waits for the resolver. */
  void keepForResolver(Worker<?> worker, Activation a, Snapshot<?> last) {
    WorkerKey key = worker.key();
    if (a.nameHeld) {
      names.release(key.type(), key.id(), a.incarnation);
    }
    if (!worker.type().stateOutlivesPassivation()) {
      history.add(key, a.epoch, "stopped", "detached activation ended; its state is dropped (type "
          + key.type() + " keeps no state after passivation)");
      return;
    }
    PendingState state = a.changes.pending(StoredState.of(last, node), a.writer);
    pending.add(key, state);
    history.add(key, a.epoch, "stopped", "detached activation ended at version " + last.version() + " with "
        + state.log().size() + " change(s) of its own; they wait for the conflict resolver");
  }

  /** Every key with a live detached activation or a last state waiting to be merged. */
  public java.util.Set<WorkerKey> unresolved() {
    java.util.Set<WorkerKey> out = new java.util.HashSet<>(pending.keys());
    local.activations().forEach(a -> {
      if (a.detached()) {
        out.add(a.key);
      }
    });
    return out;
  }

  public int detachedCount() {
    return (int) local.activations().stream().filter(a -> a.detached()).count();
  }

  /** How many last states of detached activations wait for the conflict resolver. */
  public int awaitingMerge() {
    return pending.count();
  }

  /**
   * Stops the key's detached activation, if one is live, and completes with every last state of
   * the key waiting to be merged (possibly none).
   */
  public CompletableFuture<List<PendingState>> retireDetached(WorkerKey key) {
    Activation a = local.activation(key);
    CompletableFuture<Void> stopped = a != null && a.detached() ? retire(a) : CompletableFuture.completedFuture(null);
    return stopped.thenApply(v -> pending.get(key));
  }

  /** The resolver sends {@code state} to the owner now (see {@link PendingStates#markSent}). */
  public void sending(PendingState state) {
    pending.markSent(state);
  }

  /** The owner merged {@code state}: it no longer waits. */
  public void resolved(WorkerKey key, PendingState state, String survivor, long version, long epoch) {
    pending.remove(key, state);
    metrics.conflictResolved(key.type(), "merged_away");
    history.add(key, epoch, "resolved", "the state of a detached activation here (version " + state.last().version()
        + ", " + state.log().size() + " change(s)) was merged into the worker on " + survivor + " (version " + version
        + ")");
  }

  /** Merges every waiting last state of the key into its (normal) worker here; removes what was merged. */
  CompletableFuture<Void> mergePending(WorkerKey key, Worker<?> w, long epoch) {
    List<PendingState> waiting = pending.takeAll(key);
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (PendingState s : waiting) {
      chain = chain.thenCompose(v -> mergeInto(w, key, s, node, epoch)).handle((r, e) -> {
        if (e != null) {
          log.warn("could not merge a detached state of {} here: {}; the resolver tries again", key, e.toString());
          pending.add(key, s);
        }
        return null;
      });
    }
    return chain;
  }

  /**
   * {@code POST /internal/merge/{type}/{id}}, or the resolver on the owner itself: merges the last
   * state of a duplicate (detached) activation into this node's worker, activating it if needed.
   * Completes with the merged version once it is committed (and replicated, per --ack).
   */
  public CompletableFuture<Long> mergeDuplicate(WorkerKey key, PendingState other, String from, long epoch) {
    return local.withWorker(key, epoch, w -> mergeInto(w, key, other, from, epoch).thenApply(v -> (Object) v), 1, false)
        .thenApply(v -> (Long) v);
  }

  /**
   * The resolver on the ring owner itself: activates the key here (if needed), which merges every
   * waiting last state of its detached activations; completes with the worker's version after that.
   */
  public CompletableFuture<Long> settleHere(WorkerKey key, long epoch) {
    return local.withWorker(key, epoch, w -> mergePending(key, w, epoch).thenApply(v -> (Object) w.snapshot().version()), 1,
        false).thenApply(v -> (Long) v);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private CompletableFuture<Long> mergeInto(Worker w, WorkerKey key, PendingState other, String from, long epoch) {
    DuplicateLineage lineage;
    try {
      lineage = other.lineageOf(w.type().stateClass());
    } catch (Exception e) {
      return CompletableFuture.failedFuture(new RingleaderException(CallError.BAD_JSON,
          "the duplicate's state of " + key + " is unreadable as " + w.type().stateClass().getSimpleName(), null, null));
    }
    long before = w.snapshot().version();
    return w.mergeIn(lineage).thenApply(reply -> {
      MergeReport report = (MergeReport) reply;
      String what = report.describe(w.type());
      history.add(key, epoch, "merged", "the state of a detached activation on " + from + " (version "
          + other.last().version() + ") into this worker (version " + before + " → " + report.version() + "; " + what
          + ")");
      if (!report.repeated()) {
        metrics.conflictResolved(key.type(), "survived");
      }
      log.info("conflict resolved: the detached {} of {} (version {}) merged into the worker on {} → version {} ({})",
          key, from, other.last().version(), node, report.version(), what);
      return report.version();
    });
  }
}
