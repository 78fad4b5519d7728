package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.call.CallError;
import dev.ringleader.registry.Claim;
import dev.ringleader.registry.GlobalName;
import dev.ringleader.registry.WorkerNames;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.failure.RingleaderException;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.node.NodeMetrics;
import dev.ringleader.supervisor.internal.replication.Replication;
import dev.ringleader.supervisor.internal.replication.StateStore;
import dev.ringleader.supervisor.internal.replication.StoredState;
import dev.ringleader.worker.Committer;
import dev.ringleader.worker.Scheduler;
import dev.ringleader.worker.Snapshot;
import dev.ringleader.worker.StopReason;
import dev.ringleader.worker.Worker;
import dev.ringleader.worker.WorkerKey;
import dev.ringleader.worker.WorkerRuntime;
import dev.ringleader.worker.WorkerType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one activation of {@link LocalSupervisor}: claims its global name in ZooKeeper (the only
 * ZooKeeper round trip on a request path), restores the newest copy of its state, and starts the
 * worker; a failure completes the activation's {@code ready} exceptionally.
 *
 * <p>Locks: none of its own.
 */
final class Activator {
  private static final Logger log = LoggerFactory.getLogger(Activator.class);

  /** The activation registry the activations are in. */
  private final LocalSupervisor local;
  private final String node;
  private final WorkerTypes types;
  private final WorkerNames names;
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

  Activator(LocalSupervisor local, String node, WorkerTypes types, WorkerNames names, StateStore store,
      Replication replication, Duration nameWait, Executor executor, Scheduler scheduler, NodeMetrics metrics,
      java.util.function.Predicate<WorkerKey> owns, java.util.function.Predicate<String> isMember,
      OwnershipHistory history, Committer committer, dev.ringleader.worker.WorkerCalls calls) {
    this.local = local;
    this.node = node;
    this.types = types;
    this.names = names;
    this.store = store;
    this.replication = replication;
    this.nameWait = nameWait;
    this.metrics = metrics;
    this.owns = owns;
    this.isMember = isMember;
    this.history = history;
    this.runtime = new WorkerRuntime(node, executor, scheduler, committer, local, Json.MAPPER, calls);
  }

  void activate(Activation a, int attempt) {
    GlobalName name = new GlobalName(node, a.incarnation, a.epoch, a.since);
    names.claim(a.key.type(), a.key.id(), name).whenComplete((claim, err) -> {
      if (err != null) {
        local.fail(a, new RingleaderException(CallError.ZOOKEEPER_UNAVAILABLE,
            "cannot register worker " + a.key + " in ZooKeeper (" + ErrorResponses.unwrap(err).getMessage()
                + "); retry shortly", Duration.ofSeconds(1), null));
      } else if (claim.taken()) {
        a.claimed = true;
        if (!names.stillHeld(claim)) {
          // Lost with the session between the claim and this mark (onSessionLost skipped it then).
          local.fail(a, new RingleaderException(CallError.ZOOKEEPER_UNAVAILABLE, "the ZooKeeper session in which "
              + a.key + " was claimed was lost meanwhile; retry shortly", Duration.ofSeconds(1), null));
          return;
        }
        start(a);
      } else {
        waitForName(a, claim, attempt);
      }
    });
  }

  private void waitForName(Activation a, Claim claim, int attempt) {
    String holder = claim.holder() == null ? "?" : claim.holder().node();
    if (claim.holder() != null && node.equals(holder) && attempt < LocalSupervisor.MAX_ATTEMPTS
        && !local.isActivation(claim.holder().incarnation())) {
      // Held by this node for an activation that no longer exists (its release was lost, e.g. with
      // a ZooKeeper server): release it (only if this session still owns it) and claim again.
      log.warn("{} is held by this node for activation {} that no longer exists; releasing it", a.key,
          claim.holder().incarnation());
      names.release(a.key.type(), a.key.id(), claim.holder().incarnation())
          .whenComplete((v, e) -> activate(a, attempt + 1));
      return;
    }
    if (attempt >= LocalSupervisor.MAX_ATTEMPTS) {
      local.fail(a, new RingleaderException(CallError.NAME_HELD, "worker " + a.key + " is still held by node " + holder
          + " (a ring change or failover is in progress); retry shortly", Duration.ofSeconds(1), null));
      return;
    }
    log.debug("{} is held by {}; waiting up to {} ms for it", a.key, holder, nameWait.toMillis());
    names.awaitAbsent(a.key.type(), a.key.id(), nameWait).whenComplete((gone, err) -> {
      if (err == null && Boolean.TRUE.equals(gone)) {
        activate(a, attempt + 1);
      } else if (!owns.test(a.key)) {
        local.fail(a, LocalSupervisor.notOwner(a.key)); // the ring moved it meanwhile: routed again
      } else {
        local.fail(a, new RingleaderException(CallError.NAME_HELD, "worker " + a.key + " is held by node " + holder
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
        : CompletableFuture.supplyAsync(() -> store.get(a.key), Runnable::run);
    newest.whenComplete((stored, err) -> {
      if (err != null && ErrorResponses.unwrap(err) instanceof RingleaderException refused) {
        local.fail(a, refused); // durability on disk: a member that may hold a newer copy did not answer
        return;
      }
      StoredState from = stored;
      if (err != null) {
        log.warn("could not fetch the newest copy of {}: {}", a.key, err.toString());
        try {
          from = store.get(a.key); // with a disk, a read that may fail too
        } catch (RuntimeException diskFailed) {
          local.fail(a, new RingleaderException(CallError.NOT_SERVING, "the state of " + a.key + " cannot be read on "
              + "this node: " + diskFailed.getMessage(), Duration.ofSeconds(1), null));
          return;
        }
      }
      startWith(a, type, from);
    });
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  void startWith(Activation a, WorkerType type, StoredState stored) {
    if (a.nameLost) {
      local.fail(a, new RingleaderException(CallError.ZOOKEEPER_UNAVAILABLE, "the ZooKeeper session that held the name of "
          + a.key + " was lost while it was activating; retry shortly", Duration.ofSeconds(1), null));
      return;
    }
    try {
      Snapshot restored = snapshot(a.key, type, stored);
      Worker<?> w = runtime.activate(type, a.key.id(), restored, types.limits(type.name()), a.writer);
      local.started(w, a);
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
      local.detachedActivations().mergePending(a.key, w, a.epoch).whenComplete((v, e) -> {
        a.ready.complete(w);
        if (!owns.test(a.key)) {
          // The ring changed while it was activating (onRing skipped it): hand it over at once.
          w.stop(StopReason.REQUESTED);
        }
      });
    } catch (RuntimeException e) {
      log.error("activation of {} failed", a.key, e);
      names.release(a.key.type(), a.key.id(), a.incarnation);
      local.fail(a, e);
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
}
