package dev.ringleader.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.registry.Claim;
import dev.ringleader.registry.GlobalName;
import dev.ringleader.registry.NameRegistry;
import dev.ringleader.registry.Ring;
import dev.ringleader.worker.Committer;
import dev.ringleader.worker.DuplicateLineage;
import dev.ringleader.worker.LoggedMessage;
import dev.ringleader.worker.MergeReport;
import dev.ringleader.worker.Scheduler;
import dev.ringleader.worker.Snapshot;
import dev.ringleader.worker.StopReason;
import dev.ringleader.worker.Worker;
import dev.ringleader.worker.WorkerFailure;
import dev.ringleader.worker.WorkerKey;
import dev.ringleader.worker.WorkerListener;
import dev.ringleader.worker.WorkerRuntime;
import dev.ringleader.worker.WorkerType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every worker live on this node. A worker is activated on its first message: its global name is
 * claimed in ZooKeeper (the only ZooKeeper round trip on a request path), its last state restored
 * from this node's {@link StateStore}, and it starts. A worker stops when idle, at the end of its
 * lifetime, when the ring gives its ID to another node, or when the session is lost; its name is
 * then released.
 *
 * <p>Partition mode available (docs/conflict-resolution.md): a worker whose session is lost, or a
 * provisional one for an unreachable owner, is <em>detached</em>: it serves without a name and
 * commits only here; when it stops, its last state waits in {@link PendingStates} until the
 * {@link ConflictResolver} has it merged into the ring owner's worker ({@link #mergeDuplicate},
 * or {@link #settleHere} when this node is the owner: a new activation merges them before it serves).
 *
 * <p>Locks: none of its own. {@link #live} is a ConcurrentHashMap; an {@link Activation} is put once
 * and removed once (by identity), so a stopped activation never hides a newer one.
 */
final class LocalSupervisor implements Committer, WorkerListener {
  private static final Logger log = LoggerFactory.getLogger(LocalSupervisor.class);
  private static final int MAX_ATTEMPTS = 3;

  private final String node;
  private final WorkerTypes types;
  private final NameRegistry names;
  private final StateStore store;
  private final Replication replication;
  private final Duration nameWait;
  private final NodeMetrics metrics;
  private final WorkerRuntime runtime;
  /** True when the current ring gives the key to this node; only owned keys are activated. */
  private final java.util.function.Predicate<WorkerKey> owns;
  /** True when the named node is a live member (to tell a handoff from a failover). */
  private final java.util.function.Predicate<String> isMember;
  private final OwnershipHistory history;
  private final Map<WorkerKey, Activation> live = new ConcurrentHashMap<>();
  /** The activation of every started worker, until it stopped (workers compare by identity). */
  private final Map<Worker<?>, Activation> byWorker = new ConcurrentHashMap<>();
  /** Name releases in flight; a graceful stop waits for them before the session closes. */
  private final java.util.Set<CompletableFuture<Void>> releasing = ConcurrentHashMap.newKeySet();
  private final AtomicLong incarnations = new AtomicLong(System.currentTimeMillis() * 1000);
  /** True while this node's ZooKeeper connection is up (CONNECTED or RECONNECTED). */
  private final java.util.function.BooleanSupplier connected;
  /** This process's part of every writer name: the node and when the process started. */
  private final String writerBase;
  /**
   * Bumped whenever an activation of this node is detached, so that no later activation here
   * writes under a detached one's writer name: two lineages never share a writer.
   */
  private final AtomicLong writerGeneration = new AtomicLong();
  private final AtomicLong provisionalWriters = new AtomicLong();
  /** The last states of detached activations that stopped, until the ring owner merged them. */
  private final PendingStates pending = new PendingStates();
  /**
   * True while a worker of a type in partition mode consistent may commit: connected to ZooKeeper
   * (not SUSPENDED, not LOST) and not suspecting a freeze of this process.
   */
  private final java.util.function.BooleanSupplier mayCommitConsistent;
  /** Changes a detached activation keeps for the resolver to replay (setting detached-log-limit). */
  private final int detachedLogLimit;

  LocalSupervisor(String node, WorkerTypes types, NameRegistry names, StateStore store, Replication replication,
      Duration nameWait, Executor executor, Scheduler scheduler, NodeMetrics metrics,
      java.util.function.Predicate<WorkerKey> owns, java.util.function.Predicate<String> isMember,
      OwnershipHistory history, java.util.function.BooleanSupplier connected,
      java.util.function.BooleanSupplier mayCommitConsistent, int detachedLogLimit, CommitFence fence,
      dev.ringleader.worker.WorkerCalls calls) {
    this.connected = connected;
    this.mayCommitConsistent = mayCommitConsistent;
    this.detachedLogLimit = detachedLogLimit;
    this.owns = owns;
    this.isMember = isMember;
    this.history = history;
    this.node = node;
    this.writerBase = node + "/" + Long.toString(System.currentTimeMillis(), 36);
    this.types = types;
    this.names = names;
    this.store = store;
    this.replication = replication;
    this.nameWait = nameWait;
    this.metrics = metrics;
    // Every commit passes the leave's fence: none is acknowledged once the session is about to end.
    this.runtime = new WorkerRuntime(node, executor, scheduler, fence.guard(this), this, Json.MAPPER, calls);
  }

  /** Sends a message to the worker, activating it if needed; completes with the handler's reply. */
  CompletableFuture<Object> tell(WorkerKey key, JsonNode message, String requestKey, long epoch,
      boolean provisional) {
    return withWorker(key, epoch, w -> w.tell(message, requestKey), 1, provisional).whenComplete((r, e) -> {
      if (ErrorResponses.unwrap(e) instanceof WorkerFailure f) {
        if (f.kind() == WorkerFailure.Kind.CRASHED) {
          metrics.restarted(key.type());
        } else if (f.kind() == WorkerFailure.Kind.NOT_ACKNOWLEDGED && isStale(f)) {
          stopStale(key);
        } else if (f.kind() == WorkerFailure.Kind.NOT_ACKNOWLEDGED && types.available(key.type())
            && !connected.getAsBoolean()) {
          // Cut off from ZooKeeper and from its backups: in partition mode available it goes on
          // alone (the refused change was rolled back); the client's retry, here or elsewhere, is
          // applied once (docs/conflict-resolution.md, scenario 6).
          detach(live.get(key), "its backups are unreachable and it is cut off from ZooKeeper");
        }
      }
    });
  }

  /** Reads the worker's state view, activating it if needed. */
  CompletableFuture<Object> read(WorkerKey key, long epoch, boolean provisional) {
    return withWorker(key, epoch, Worker::read, 1, provisional);
  }

  /**
   * Runs {@code op} on the key's worker, activating it if needed. A {@code provisional} call
   * (partition mode available, the owner unreachable) uses or starts a detached activation here;
   * otherwise the key must be this node's, and a detached activation left from a cut-off serves
   * only while the cut-off lasts: once ZooKeeper is back it stops and its state is merged into the
   * activation that starts in its place.
   */
  private CompletableFuture<Object> withWorker(WorkerKey key, long epoch,
      Function<Worker<?>, CompletableFuture<Object>> op, int attempt, boolean provisional) {
    Activation[] created = new Activation[1];
    Activation a = live.get(key);
    if (a != null && a.detached() && !provisional && connected.getAsBoolean()) {
      Activation detached = a;
      return retire(detached).thenCompose(v -> {
        live.remove(key, detached);
        return withWorker(key, epoch, op, attempt, false);
      });
    }
    boolean detachedStart = provisional || (!connected.getAsBoolean() && types.available(key.type()));
    if (a == null) {
      if (!provisional && !owns.test(key)) {
        // The ring moved the key away between routing and delivery: the router routes it again.
        return CompletableFuture.failedFuture(notOwner(key));
      }
      a = live.computeIfAbsent(key, k -> created[0] = new Activation(k, incarnations.incrementAndGet(), epoch,
          detachedStart ? provisionalWriter() : writer()));
    }
    Activation activation = a;
    if (created[0] != null) {
      if (detachedStart) {
        startDetached(a, provisional ? "provisional: the owner of " + key + " is unreachable"
            : "provisional: this node is cut off from ZooKeeper");
      } else {
        activate(a, 1);
      }
    }
    return activation.ready.thenCompose(op).exceptionallyCompose(e -> {
      Throwable cause = ErrorResponses.unwrap(e);
      if (cause instanceof WorkerFailure f && f.kind() == WorkerFailure.Kind.STOPPED && attempt < MAX_ATTEMPTS) {
        // This activation stopped between lookup and delivery (lifetime, idle, ring change): once
        // it has finished (its queued messages committed, its stop listener run), start anew if
        // the key is still ours (checked again in withWorker). Not before: its last commits must
        // not meet a newer activation of the key.
        Worker<?> old = activation.worker();
        CompletableFuture<?> finished = old == null ? CompletableFuture.completedFuture(null)
            : old.stop(StopReason.REQUESTED).handle((v, x) -> null); // a second stop keeps the first reason
        return finished.thenCompose(v -> {
          live.remove(key, activation);
          return withWorker(key, epoch, op, attempt + 1, provisional);
        });
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  /** True when an activation of this node with this incarnation is live or still stopping. */
  private boolean isActivation(long incarnation) {
    return live.values().stream().anyMatch(x -> x.incarnation == incarnation)
        || byWorker.values().stream().anyMatch(x -> x.incarnation == incarnation);
  }

  /** The writer name of a (named) activation that starts now. */
  private String writer() {
    long g = writerGeneration.get();
    return g == 0 ? writerBase : writerBase + "." + g;
  }

  /**
   * A writer name no other activation ever uses: a provisional worker may start from an older copy
   * than one this node's named activations wrote, so sharing their name would let a per-writer
   * maximum hide its changes.
   */
  private String provisionalWriter() {
    return writerBase + ".p" + provisionalWriters.incrementAndGet();
  }

  /**
   * Starts a detached activation without a name, from the newest state this node has: the last
   * state of an earlier detached activation of the key still waiting to be merged (which it then
   * continues: that one's base and changes become its own, so they are merged once), or its copy,
   * or the initial state. (Starting from an older one would take back changes it acknowledged.)
   */
  private void startDetached(Activation a, String why) {
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
      fail(a, new RingleaderException(Failure.NOT_SERVING, "the last state of " + a.key + " on " + node
          + " is being merged into its owner's worker; retry shortly", Duration.ofSeconds(1), null));
      return;
    }
    if (continued != null) {
      pending.remove(a.key, continued);
      a.changes.continueFrom(continued);
      from = continued.last();
    }
    startWith(a, types.get(a.key.type()), from);
  }

  /**
   * Partition mode available: this activation goes on without its backups or its name; its
   * changes are kept here until the conflict resolver merges them into the ring owner's worker.
   */
  private void detach(Activation a, String why) {
    if (a == null || !a.detach(why)) {
      return; // none, or already detached (this is called from the Curator thread and commit completions)
    }
    writerGeneration.incrementAndGet();
    // This node's own copy may hold a version its backups never acknowledged; another activation
    // may commit that same version number with other content. The detached worker holds all of it
    // and its state is merged, so the copy goes (it would shadow the other lineage's copies here).
    store.removeIfOwner(a.key, node);
    metrics.detached(a.key.type());
    history.add(a.key, a.epoch, "detached", why);
    log.warn("worker {} on {} is detached ({}); it serves on and is merged when the split heals", a.key, node, why);
  }

  /** Stops a detached activation; its last state goes to {@link #pending} (see {@link #stopped}). */
  private CompletableFuture<Void> retire(Activation a) {
    return a.ready.thenCompose(w -> w.stop(StopReason.REQUESTED)).handle((v, e) -> null);
  }

  private void activate(Activation a, int attempt) {
    GlobalName name = new GlobalName(node, a.incarnation, a.epoch, a.since);
    names.claim(a.key.type(), a.key.id(), name).whenComplete((claim, err) -> {
      if (err != null) {
        fail(a, new RingleaderException(Failure.ZOOKEEPER_UNAVAILABLE,
            "cannot register worker " + a.key + " in ZooKeeper (" + ErrorResponses.unwrap(err).getMessage()
                + "); retry shortly", Duration.ofSeconds(1), null));
      } else if (claim.taken()) {
        a.claimed = true;
        start(a);
      } else {
        waitForName(a, claim, attempt);
      }
    });
  }

  private void waitForName(Activation a, Claim claim, int attempt) {
    String holder = claim.holder() == null ? "?" : claim.holder().node();
    if (claim.holder() != null && node.equals(holder) && attempt < MAX_ATTEMPTS && !isActivation(claim.holder().incarnation())) {
      // Held by this node for an activation that no longer exists (its release was lost, e.g. with
      // a ZooKeeper server): release it (only if this session still owns it) and claim again.
      log.warn("{} is held by this node for activation {} that no longer exists; releasing it", a.key,
          claim.holder().incarnation());
      names.release(a.key.type(), a.key.id(), claim.holder().incarnation())
          .whenComplete((v, e) -> activate(a, attempt + 1));
      return;
    }
    if (attempt >= MAX_ATTEMPTS) {
      fail(a, new RingleaderException(Failure.NAME_HELD, "worker " + a.key + " is still held by node " + holder
          + " (a ring change or failover is in progress); retry shortly", Duration.ofSeconds(1), null));
      return;
    }
    log.debug("{} is held by {}; waiting up to {} ms for it", a.key, holder, nameWait.toMillis());
    names.awaitAbsent(a.key.type(), a.key.id(), nameWait).whenComplete((gone, err) -> {
      if (err == null && Boolean.TRUE.equals(gone)) {
        activate(a, attempt + 1);
      } else {
        fail(a, new RingleaderException(Failure.NAME_HELD, "worker " + a.key + " is held by node " + holder
            + " and it did not let go within " + nameWait.toMillis() + " ms; retry shortly",
            Duration.ofSeconds(1), null));
      }
    });
  }

  /** Restores the newest copy of the state (own store and the preference list), then starts the worker. */
  private void start(Activation a) {
    WorkerType<?> type = types.get(a.key.type());
    CompletableFuture<StoredState> newest = type.stateOutlivesPassivation()
        ? replication.latest(a.key)
        : CompletableFuture.completedFuture(store.get(a.key));
    newest.whenComplete((stored, err) -> {
      if (err != null) {
        log.warn("could not fetch the newest copy of {}: {}", a.key, err.toString());
      }
      startWith(a, type, err == null ? stored : store.get(a.key));
    });
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void startWith(Activation a, WorkerType type, StoredState stored) {
    if (a.nameLost) {
      fail(a, new RingleaderException(Failure.ZOOKEEPER_UNAVAILABLE, "the ZooKeeper session that held the name of "
          + a.key + " was lost while it was activating; retry shortly", Duration.ofSeconds(1), null));
      return;
    }
    try {
      Snapshot restored = snapshot(a.key, type, stored);
      Worker<?> w = runtime.activate(type, a.key.id(), restored, types.limits(type.name()), a.writer);
      byWorker.put(w, a);
      metrics.activated(type.name());
      String why = why(stored);
      history.add(a.key, a.epoch, "activated", why);
      if (why.startsWith("handoff")) {
        metrics.handoff(type.name(), "in");
      } else if (why.startsWith("failover")) {
        metrics.failover(type.name());
      }
      if (a.detached()) {
        history.add(a.key, a.epoch, "detached", a.detachedBecause());
        a.ready.complete(w);
        return;
      }
      // The last states of detached activations of this ID on this node are merged in before the
      // worker serves (a rejoining orphan never serves without them).
      mergePending(a.key, w, a.epoch).whenComplete((v, e) -> {
        a.ready.complete(w);
        if (!owns.test(a.key)) {
          // The ring changed while it was activating (onRing skipped it): hand it over at once.
          w.stop(StopReason.REQUESTED);
        }
      });
    } catch (RuntimeException e) {
      log.error("activation of {} failed", a.key, e);
      names.release(a.key.type(), a.key.id(), a.incarnation);
      fail(a, e);
    }
  }

  /** Why an activation starts from this state: the node that committed it tells. */
  private String why(StoredState stored) {
    if (stored == null || stored.owner() == null) {
      return stored == null ? "new" : "restored version " + stored.version();
    }
    if (stored.owner().equals(node)) {
      return "state kept after passivation (version " + stored.version() + ")";
    }
    return (isMember.test(stored.owner()) ? "handoff from " : "failover from ") + stored.owner()
        + " (version " + stored.version() + ")";
  }

  private <S> Snapshot<S> snapshot(WorkerKey key, WorkerType<S> type, StoredState kept) {
    if (kept == null) {
      return null;
    }
    try {
      S state = Json.MAPPER.treeToValue(kept.state(), type.stateClass());
      return new Snapshot<>(kept.version(), state, kept.recentReplies());
    } catch (Exception e) {
      log.error("kept state of {} is unreadable as {}; starting fresh", key, type.stateClass().getName(), e);
      return null;
    }
  }

  static RingleaderException notOwner(WorkerKey key) {
    return new RingleaderException(Failure.WRONG_OWNER, "this node no longer owns " + key
        + " (the ring changed); retry", Duration.ofSeconds(1), null);
  }

  private void fail(Activation a, Throwable e) {
    live.remove(a.key, a);
    a.ready.completeExceptionally(e);
  }

  private static boolean isStale(Throwable f) {
    for (Throwable c = f; c != null; c = c.getCause()) {
      if (c instanceof StaleActivationException) {
        return true;
      }
    }
    return false;
  }

  /** Another activation of the key has committed newer state: this one must not serve again. */
  private void stopStale(WorkerKey key) {
    Activation a = live.get(key);
    Worker<?> w = a == null ? null : a.worker();
    if (w != null) {
      log.warn("worker {} on {} is stale (another activation committed newer state); stopping it", key, node);
      history.add(key, a.epoch, "stopped", "stale: another activation committed newer state");
      w.stop(StopReason.REQUESTED);
    }
  }

  /**
   * Runs on a worker thread after a handler changed the state, before the reply is sent. A refused
   * commit is rolled back by the worker and in this node's store; a backup that kept its copy keeps
   * it with the change's key (a retry with that key is applied once).
   */
  @Override
  public CompletionStage<Void> commit(Worker<?> worker, Snapshot<?> next, LoggedMessage applied) {
    WorkerKey key = worker.key();
    Activation a = byWorker.get(worker);
    if (a != null && a.detached()) {
      return keepDetached(a, worker, next, applied);
    }
    if (!types.available(key.type()) && !mayCommitConsistent.getAsBoolean()) {
      // Partition mode consistent: from SUSPENDED on, nothing commits (a new owner may start once
      // the session expires, before this node hears LOST); queued messages are refused too.
      return CompletableFuture.failedFuture(new RingleaderException(Failure.NOT_SERVING, "node " + node
          + " is cut off from ZooKeeper (partition-mode consistent): the change to " + key + " was not applied",
          Duration.ofSeconds(1), null));
    }
    // Stamped with this activation and this node's ring epoch: backups fence and order copies by it.
    StoredState stored = replication.stamp(next, a == null ? 0 : a.incarnation);
    StoredState acknowledged = store.get(key);
    store.offer(key, stored);
    CompletableFuture<Void> held = replication.replicate(key, stored).thenCompose(v ->
        types.available(key.type()) || mayCommitConsistent.getAsBoolean()
            ? CompletableFuture.<Void>completedFuture(null)
            // Partition mode consistent: a copy held only after SUSPENDED is not acknowledged (the
            // backup may keep it; a retry with the same key is applied once).
            : CompletableFuture.<Void>failedFuture(new RingleaderException(Failure.NOT_SERVING, "node " + node
                + " was cut off from ZooKeeper while the change to " + key + " was being copied; not acknowledged",
                Duration.ofSeconds(1), null)));
    return held.whenComplete((ok, refused) -> {
      if (refused != null) {
        // The worker rolls the change back; this node's own copy goes back to the last one it had
        // (acknowledged, with its own stamp): a later activation here must not start from a change
        // its client was told failed, and a copy under the used-up version must not outrank
        // another owner's acknowledged one.
        store.replaceIfStill(key, stored, acknowledged);
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
      return CompletableFuture.failedFuture(new RingleaderException(Failure.NOT_SERVING, "the worker " + a.key
          + " on " + node + " is detached; it takes no merge until this node is in touch with ZooKeeper again",
          Duration.ofSeconds(1), null));
    }
    LoggedMessage keyed = new LoggedMessage(applied.requestKey() != null ? applied.requestKey()
        : "~" + a.writer + "/" + next.version(), applied.message().deepCopy()); // a key: replayed once if merged twice
    if (!a.changes.add(() -> StoredState.of(worker.snapshot(), node), keyed, detachedLogLimit)) {
      return CompletableFuture.failedFuture(new RingleaderException(Failure.DETACHED_LOG_FULL, "the detached worker "
          + a.key + " on " + node + " holds " + detachedLogLimit + " changes for the conflict resolver (setting "
          + "detached-log-limit); the change was not applied; retry once the split heals", Duration.ofSeconds(1), null));
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Called once per worker when it stops, on the thread that stopped it. */
  @Override
  public void stopped(Worker<?> worker, StopReason reason, Snapshot<?> last) {
    // By the worker, not through the live map: a caller that met this worker stopping may already
    // have taken it out of the map (to start anew), and its name must still be released.
    Activation a = byWorker.remove(worker);
    long incarnation = -1;
    if (a != null) {
      if (a.detached()) {
        // Pending before it leaves the live map: at no moment is its state in neither place.
        keepForResolver(worker, a, last);
        live.remove(worker.key(), a);
        return;
      }
      live.remove(worker.key(), a);
      incarnation = a.incarnation;
    }
    if (!worker.type().stateOutlivesPassivation()) {
      store.remove(worker.key());
    }
    metrics.passivated(worker.key().type(), reason);
    if (reason == StopReason.REQUESTED || reason == StopReason.SHUTDOWN) {
      metrics.handoff(worker.key().type(), "out");
    }
    log.debug("worker {} stopped ({})", worker.key(), reason);
    if (incarnation >= 0) {
      history.add(worker.key(), a.epoch, "stopped", switch (reason) {
        case IDLE -> "passivated (idle)";
        case PASSIVATED -> "passivated (asked by its handler)";
        case LIFETIME -> "ended (lifetime)";
        case REQUESTED -> "handed off (the ring gave it to another node)";
        case SHUTDOWN -> "node shutting down";
      });
    }
    if (incarnation >= 0 && a.nameHeld) {
      CompletableFuture<Void> release = names.release(worker.key().type(), worker.key().id(), incarnation)
          .toCompletableFuture()
          .exceptionally(e -> {
            log.warn("could not release the name of {}: {}", worker.key(), e.toString());
            return null;
          });
      releasing.add(release);
      release.whenComplete((v, e) -> releasing.remove(release));
    }
  }

  /**
   * Stops every worker whose ID the new ring gives to another node. Detached activations are left
   * to the conflict resolver, which stops them once the owner can take their state.
   */
  void onRing(Ring ring) {
    for (Activation a : live.values()) {
      Worker<?> w = a.worker();
      if (w != null && !a.detached() && !node.equals(ring.owner(a.key.type(), a.key.id()))) {
        w.stop(StopReason.REQUESTED);
      }
    }
  }

  /**
   * The session is lost: every name of this node is gone. Workers of types in partition mode
   * consistent stop; those in mode available are detached and serve on (docs/conflict-resolution.md).
   */
  void onSessionLost() {
    for (Activation a : live.values()) {
      if (!a.claimed && !a.detached()) {
        continue; // its claim is not answered yet: it fails, or it succeeds in the new session
      }
      a.nameHeld = false;
      if (types.available(a.key.type())) {
        detach(a, "its node lost its ZooKeeper session");
      } else {
        Worker<?> w = a.worker();
        if (w != null) {
          w.stop(StopReason.REQUESTED);
        } else {
          a.nameLost = true; // still restoring its state: it will not start, or stops once started
          a.ready.thenAccept(started -> started.stop(StopReason.REQUESTED));
        }
      }
    }
  }

  // ---- the conflict resolver's side (docs/conflict-resolution.md) ------------------------------

  /** The last state of a detached activation that stopped waits for the resolver. */
  private void keepForResolver(Worker<?> worker, Activation a, Snapshot<?> last) {
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
  java.util.Set<WorkerKey> unresolved() {
    java.util.Set<WorkerKey> out = new java.util.HashSet<>(pending.keys());
    live.values().forEach(a -> {
      if (a.detached()) {
        out.add(a.key);
      }
    });
    return out;
  }

  int detachedCount() {
    return (int) live.values().stream().filter(a -> a.detached()).count();
  }

  /** How many last states of detached activations wait for the conflict resolver. */
  int awaitingMerge() {
    return pending.count();
  }

  /**
   * Stops the key's detached activation, if one is live, and completes with every last state of
   * the key waiting to be merged (possibly none).
   */
  CompletableFuture<List<PendingState>> retireDetached(WorkerKey key) {
    Activation a = live.get(key);
    CompletableFuture<Void> stopped = a != null && a.detached() ? retire(a) : CompletableFuture.completedFuture(null);
    return stopped.thenApply(v -> pending.get(key));
  }

  /** The resolver sends {@code state} to the owner now (see {@link PendingStates#markSent}). */
  void sending(PendingState state) {
    pending.markSent(state);
  }

  /** The owner merged {@code state}: it no longer waits. */
  void resolved(WorkerKey key, PendingState state, String survivor, long version, long epoch) {
    pending.remove(key, state);
    metrics.conflictResolved(key.type(), "merged_away");
    history.add(key, epoch, "resolved", "the state of a detached activation here (version " + state.last().version()
        + ", " + state.log().size() + " change(s)) was merged into the worker on " + survivor + " (version " + version
        + ")");
  }

  /** Merges every waiting last state of the key into its (normal) worker here; removes what was merged. */
  private CompletableFuture<Void> mergePending(WorkerKey key, Worker<?> w, long epoch) {
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
  CompletableFuture<Long> mergeDuplicate(WorkerKey key, PendingState other, String from, long epoch) {
    return withWorker(key, epoch, w -> mergeInto(w, key, other, from, epoch).thenApply(v -> (Object) v), 1, false)
        .thenApply(v -> (Long) v);
  }

  /**
   * The resolver on the ring owner itself: activates the key here (if needed), which merges every
   * waiting last state of its detached activations; completes with the worker's version after that.
   */
  CompletableFuture<Long> settleHere(WorkerKey key, long epoch) {
    return withWorker(key, epoch, w -> mergePending(key, w, epoch).thenApply(v -> (Object) w.snapshot().version()), 1,
        false).thenApply(v -> (Long) v);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private CompletableFuture<Long> mergeInto(Worker w, WorkerKey key, PendingState other, String from, long epoch) {
    DuplicateLineage lineage;
    try {
      lineage = other.lineageOf(w.type().stateClass());
    } catch (Exception e) {
      return CompletableFuture.failedFuture(new RingleaderException(Failure.BAD_JSON,
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

  /**
   * Stops every worker without releasing names one by one: the session is gone (lost) or about to
   * close (a graceful leave), and either way all this node's names disappear in one step.
   * Completes when every worker stopped.
   */
  CompletableFuture<Void> stopAllWithoutReleasingNames() {
    live.values().forEach(a -> a.nameHeld = false);
    return stopAll(StopReason.REQUESTED);
  }

  /** Stops every worker; completes when they stopped and their names were released. */
  CompletableFuture<Void> stopAll(StopReason reason) {
    List<CompletableFuture<?>> stops = new ArrayList<>();
    for (Activation a : live.values()) {
      Worker<?> w = a.worker();
      if (w != null) {
        stops.add(w.stop(reason));
      }
    }
    return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
        .thenCompose(v -> CompletableFuture.allOf(releasing.toArray(CompletableFuture[]::new)));
  }

  boolean isLive(WorkerKey key) {
    return live.containsKey(key);
  }

  int liveCount() {
    return live.size();
  }

  /** The live workers, for {@code GET /node/workers}: at most {@code limit} of them. */
  List<Map<String, Object>> describe(int limit) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Activation a : live.values()) {
      if (out.size() >= limit) {
        break;
      }
      Worker<?> w = a.worker();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", a.key.type());
      m.put("id", a.key.id());
      m.put("since", a.since);
      m.put("incarnation", a.incarnation);
      m.put("epoch", a.epoch);
      if (a.detached()) {
        m.put("detached", a.detachedBecause());
      }
      if (w != null) {
        m.put("status", w.status().name().toLowerCase(java.util.Locale.ROOT));
        m.put("version", w.snapshot().version());
        m.put("restarts", w.restarts());
        m.put("queued", w.queued());
        w.expiresAt().ifPresent(t -> m.put("expiresAt", t.toEpochMilli()));
      } else {
        m.put("status", "activating");
      }
      out.add(m);
    }
    return out;
  }

}
