package dev.ringleader.supervisor.internal.activation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallError;
import dev.ringleader.registry.WorkerNames;
import dev.ringleader.registry.Ring;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.failure.RingleaderException;
import dev.ringleader.supervisor.internal.node.NodeMetrics;
import dev.ringleader.supervisor.internal.replication.Replication;
import dev.ringleader.supervisor.internal.replication.StaleActivationException;
import dev.ringleader.supervisor.internal.replication.StateStore;
import dev.ringleader.worker.Scheduler;
import dev.ringleader.worker.Snapshot;
import dev.ringleader.worker.StopReason;
import dev.ringleader.worker.Worker;
import dev.ringleader.worker.WorkerFailure;
import dev.ringleader.worker.WorkerKey;
import dev.ringleader.worker.WorkerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every worker live on this node. A worker is activated on its first message: its global name is
 * claimed in ZooKeeper (the only ZooKeeper round trip on a request path), its last state restored
 * from this node's {@link StateStore}, and it starts ({@link Activator}). A worker stops when idle, at the end of its
 * lifetime, when the ring gives its ID to another node, or when the session is lost; its name is
 * then released.
 *
 * <p>Partition mode available (docs/conflict-resolution.md): a worker whose session is lost, or a
 * provisional one for an unreachable owner, is <em>detached</em>: it serves without a name and
 * commits only here; when it stops, its last state waits in {@link PendingStates} until the
 * {@link dev.ringleader.supervisor.internal.handoff.ConflictResolver ConflictResolver} has it merged into the ring owner's worker
 * ({@link DetachedActivations#mergeDuplicate}, or {@link DetachedActivations#settleHere} when this
 * node is the owner: a new activation merges them before it serves).
 *
 * <p>Locks: none of its own. {@link #live} is a ConcurrentHashMap; an {@link Activation} is put once
 * and removed once (by identity), so a stopped activation never hides a newer one.
 */
public final class LocalSupervisor implements WorkerListener {
  private static final Logger log = LoggerFactory.getLogger(LocalSupervisor.class);
  static final int MAX_ATTEMPTS = 3;

  private final String node;
  private final WorkerTypes types;
  private final WorkerNames names;
  private final StateStore store;
  private final NodeMetrics metrics;
  /** True when the current ring gives the key to this node; only owned keys are activated. */
  private final java.util.function.Predicate<WorkerKey> owns;
  private final OwnershipHistory history;
  private final Map<WorkerKey, Activation> live = new ConcurrentHashMap<>();
  /** The activation of every started worker, until it stopped (workers compare by identity). */
  private final Map<Worker<?>, Activation> byWorker = new ConcurrentHashMap<>();
  /** Name releases in flight; a graceful stop waits for them before the session closes. */
  private final java.util.Set<CompletableFuture<Void>> releasing = ConcurrentHashMap.newKeySet();
  private final AtomicLong incarnations = new AtomicLong(System.currentTimeMillis() * 1000);
  /** True while this node's ZooKeeper connection is up (CONNECTED or RECONNECTED). */
  private final java.util.function.BooleanSupplier connected;
  private final WriterNames writers;
  /** The detach/pending/merge protocol of this node's detached activations. */
  private final DetachedActivations detachedActivations;
  /** Claims names, restores state and starts workers. */
  private final Activator activator;

  public LocalSupervisor(String node, WorkerTypes types, WorkerNames names, StateStore store, Replication replication,
      Duration nameWait, Executor executor, Scheduler scheduler, NodeMetrics metrics,
      java.util.function.Predicate<WorkerKey> owns, java.util.function.Predicate<String> isMember,
      OwnershipHistory history, java.util.function.BooleanSupplier connected,
      java.util.function.BooleanSupplier mayCommitConsistent, int detachedLogLimit, CommitFence fence,
      dev.ringleader.worker.WorkerCalls calls) {
    this.connected = connected;
    this.owns = owns;
    this.history = history;
    this.node = node;
    this.writers = new WriterNames(node);
    this.types = types;
    this.names = names;
    this.store = store;
    this.metrics = metrics;
    this.detachedActivations = new DetachedActivations(this, node, types, names, store, metrics, history, writers);
    NodeCommitter committer = new NodeCommitter(this, node, types, store, replication, mayCommitConsistent,
        detachedLogLimit);
    // Every commit passes the leave's fence: none is acknowledged once the session is about to end.
    this.activator = new Activator(this, node, types, names, store, replication, nameWait, executor, scheduler,
        metrics, owns, isMember, history, fence.guard(committer), calls);
  }

  /** Sends a message to the worker, activating it if needed; completes with the handler's reply. */
  public CompletableFuture<Object> tell(WorkerKey key, JsonNode message, String requestKey, long epoch,
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
          detachedActivations.detach(live.get(key),
              "its backups are unreachable and it is cut off from ZooKeeper");
        }
      }
    });
  }

  /** Reads the worker's state view, activating it if needed. */
  public CompletableFuture<Object> read(WorkerKey key, long epoch, boolean provisional) {
    return withWorker(key, epoch, Worker::read, 1, provisional);
  }

  /**
   * Runs {@code op} on the key's worker, activating it if needed. A {@code provisional} call
   * (partition mode available, the owner unreachable) uses or starts a detached activation here;
   * otherwise the key must be this node's, and a detached activation left from a cut-off serves
   * only while the cut-off lasts: once ZooKeeper is back it stops and its state is merged into the
   * activation that starts in its place.
   */
  CompletableFuture<Object> withWorker(WorkerKey key, long epoch,
      Function<Worker<?>, CompletableFuture<Object>> op, int attempt, boolean provisional) {
    Activation[] created = new Activation[1];
    Activation a = live.get(key);
    if (a != null && a.detached() && !provisional && connected.getAsBoolean()) {
      Activation detached = a;
      return detachedActivations.retire(detached).thenCompose(v -> {
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
          detachedStart ? writers.provisionalWriter() : writers.writer()));
    }
    Activation activation = a;
    if (created[0] != null) {
      if (detachedStart) {
        detachedActivations.startDetached(a, provisional ? "provisional: the owner of " + key + " is unreachable"
            : "provisional: this node is cut off from ZooKeeper");
      } else {
        activator.activate(a, 1);
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
  boolean isActivation(long incarnation) {
    return live.values().stream().anyMatch(x -> x.incarnation == incarnation)
        || byWorker.values().stream().anyMatch(x -> x.incarnation == incarnation);
  }

  static RingleaderException notOwner(WorkerKey key) {
    return new RingleaderException(CallError.WRONG_OWNER, "this node no longer owns " + key
        + " (the ring changed); retry", Duration.ofSeconds(1), null);
  }

  void fail(Activation a, Throwable e) {
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
        detachedActivations.keepForResolver(worker, a, last);
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
  public void onRing(Ring ring) {
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
  public void onSessionLost() {
    for (Activation a : live.values()) {
      if (!a.claimed && !a.detached()) {
        continue; // its claim is not answered yet: it fails, or it succeeds in the new session
      }
      a.nameHeld = false;
      if (types.available(a.key.type())) {
        detachedActivations.detach(a, "its node lost its ZooKeeper session");
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

  /**
   * Stops every worker without releasing names one by one: the session is gone (lost) or about to
   * close (a graceful leave), and either way all this node's names disappear in one step.
   * Completes when every worker stopped.
   */
  public CompletableFuture<Void> stopAllWithoutReleasingNames() {
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

  public boolean isLive(WorkerKey key) {
    return live.containsKey(key);
  }

  public int liveCount() {
    return live.size();
  }

  /** The live workers, for {@code GET /node/workers}: at most {@code limit} of them. */
  public List<Map<String, Object>> describe(int limit) {
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

  /** The key's live (or still starting) activation, or null. */
  Activation activation(WorkerKey key) {
    return live.get(key);
  }

  /** Every live activation. */
  java.util.Collection<Activation> activations() {
    return live.values();
  }

  /** Every activation starting, serving, or stopping (its stop listener not run yet). */
  java.util.stream.Stream<Activation> allActivations() {
    return java.util.stream.Stream.concat(live.values().stream(), byWorker.values().stream());
  }

  /** The activation of a started worker, until it stopped; or null. */
  Activation activationOf(Worker<?> worker) {
    return byWorker.get(worker);
  }

  /** The activation's worker started. */
  void started(Worker<?> worker, Activation a) {
    byWorker.put(worker, a);
  }

  /** Claims names, restores state and starts workers. */
  Activator activator() {
    return activator;
  }

  /** The detach/pending/merge protocol (the conflict resolver's side). */
  public DetachedActivations detachedActivations() {
    return detachedActivations;
  }
}
