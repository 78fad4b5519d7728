package dev.ringleader.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.registry.Claim;
import dev.ringleader.registry.GlobalName;
import dev.ringleader.registry.NameRegistry;
import dev.ringleader.registry.Ring;
import dev.ringleader.worker.Committer;
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
  /** Name releases in flight; a graceful stop waits for them before the session closes. */
  private final java.util.Set<CompletableFuture<Void>> releasing = ConcurrentHashMap.newKeySet();
  private final AtomicLong incarnations = new AtomicLong(System.currentTimeMillis() * 1000);

  LocalSupervisor(String node, WorkerTypes types, NameRegistry names, StateStore store, Replication replication,
      Duration nameWait, Executor executor, Scheduler scheduler, NodeMetrics metrics,
      java.util.function.Predicate<WorkerKey> owns, java.util.function.Predicate<String> isMember,
      OwnershipHistory history) {
    this.owns = owns;
    this.isMember = isMember;
    this.history = history;
    this.node = node;
    this.types = types;
    this.names = names;
    this.store = store;
    this.replication = replication;
    this.nameWait = nameWait;
    this.metrics = metrics;
    this.runtime = new WorkerRuntime(node, executor, scheduler, this, this, Json.MAPPER);
  }

  /** Sends a message to the worker, activating it if needed; completes with the handler's reply. */
  CompletableFuture<Object> tell(WorkerKey key, JsonNode message, String requestKey, long epoch) {
    return withWorker(key, epoch, w -> w.tell(message, requestKey), 1).whenComplete((r, e) -> {
      if (ErrorResponses.unwrap(e) instanceof WorkerFailure f) {
        if (f.kind() == WorkerFailure.Kind.CRASHED) {
          metrics.restarted(key.type());
        } else if (f.kind() == WorkerFailure.Kind.NOT_ACKNOWLEDGED && isStale(f)) {
          stopStale(key);
        }
      }
    });
  }

  /** Reads the worker's state view, activating it if needed. */
  CompletableFuture<Object> read(WorkerKey key, long epoch) {
    return withWorker(key, epoch, Worker::read, 1);
  }

  private CompletableFuture<Object> withWorker(WorkerKey key, long epoch,
      Function<Worker<?>, CompletableFuture<Object>> op, int attempt) {
    Activation[] created = new Activation[1];
    Activation a = live.get(key);
    if (a == null) {
      if (!owns.test(key)) {
        // The ring moved the key away between routing and delivery: the router routes it again.
        return CompletableFuture.failedFuture(notOwner(key));
      }
      a = live.computeIfAbsent(key, k -> created[0] = new Activation(k, incarnations.incrementAndGet(), epoch));
    }
    Activation activation = a;
    if (created[0] != null) {
      activate(a, 1);
    }
    return activation.ready.thenCompose(op).exceptionallyCompose(e -> {
      Throwable cause = ErrorResponses.unwrap(e);
      if (cause instanceof WorkerFailure f && f.kind() == WorkerFailure.Kind.STOPPED && attempt < MAX_ATTEMPTS) {
        // This activation stopped between lookup and delivery (lifetime, idle, ring change): start
        // anew if the key is still ours (checked again in withWorker).
        live.remove(key, activation);
        return withWorker(key, epoch, op, attempt + 1);
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  private void activate(Activation a, int attempt) {
    GlobalName name = new GlobalName(node, a.incarnation, a.epoch, a.since);
    names.claim(a.key.type(), a.key.id(), name).whenComplete((claim, err) -> {
      if (err != null) {
        fail(a, new RingleaderException(Failure.ZOOKEEPER_UNAVAILABLE,
            "cannot register worker " + a.key + " in ZooKeeper (" + ErrorResponses.unwrap(err).getMessage()
                + "); retry shortly", Duration.ofSeconds(1), null));
      } else if (claim.taken()) {
        start(a);
      } else {
        waitForName(a, claim, attempt);
      }
    });
  }

  private void waitForName(Activation a, Claim claim, int attempt) {
    String holder = claim.holder() == null ? "?" : claim.holder().node();
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
    try {
      Snapshot restored = snapshot(a.key, type, stored);
      Worker<?> w = runtime.activate(type, a.key.id(), restored, types.limits(type.name()));
      metrics.activated(type.name());
      String why = why(stored);
      history.add(a.key, a.epoch, "activated", why);
      if (why.startsWith("handoff")) {
        metrics.handoff(type.name(), "in");
      } else if (why.startsWith("failover")) {
        metrics.failover(type.name());
      }
      a.ready.complete(w);
      if (!owns.test(a.key)) {
        // The ring changed while it was activating (onRing skipped it): hand it over at once.
        w.stop(StopReason.REQUESTED);
      }
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

  /** Runs on a worker thread after a handler changed the state, before the reply is sent. */
  @Override
  public CompletionStage<Void> commit(WorkerKey key, Snapshot<?> next) {
    StoredState stored = new StoredState(next.version(), Json.MAPPER.valueToTree(next.state()),
        next.recentReplies(), node);
    store.offer(key, stored);
    return replication.replicate(key, stored);
  }

  /** Called once per worker when it stops, on the thread that stopped it. */
  @Override
  public void stopped(Worker<?> worker, StopReason reason, Snapshot<?> last) {
    Activation a = live.get(worker.key());
    long incarnation = -1;
    if (a != null && a.worker() == worker) {
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

  /** Stops every worker whose ID the new ring gives to another node. */
  void onRing(Ring ring) {
    for (Activation a : live.values()) {
      Worker<?> w = a.worker();
      if (w != null && !node.equals(ring.owner(a.key.type(), a.key.id()))) {
        w.stop(StopReason.REQUESTED);
      }
    }
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
      if (w != null) {
        m.put("status", w.status().name().toLowerCase(java.util.Locale.ROOT));
        m.put("version", w.snapshot().version());
        m.put("restarts", w.restarts());
        w.expiresAt().ifPresent(t -> m.put("expiresAt", t.toEpochMilli()));
      } else {
        m.put("status", "activating");
      }
      out.add(m);
    }
    return out;
  }

}
