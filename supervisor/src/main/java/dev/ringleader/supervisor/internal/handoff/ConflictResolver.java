package dev.ringleader.supervisor.internal.handoff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallError;
import dev.ringleader.registry.Member;
import dev.ringleader.registry.MemberStatus;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.VersionedRing;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.internal.activation.DetachedActivations;
import dev.ringleader.supervisor.internal.activation.PendingState;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.failure.RingleaderException;
import dev.ringleader.supervisor.internal.node.EventLog;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import dev.ringleader.supervisor.internal.peer.PeerUnreachableException;
import dev.ringleader.supervisor.internal.routing.Router;
import dev.ringleader.supervisor.internal.routing.UnreachablePeers;
import dev.ringleader.worker.WorkerKey;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every detached activation of this node (provisional, or left over from a lost session) back
 * to the owner the current ring names, once this node is in touch with ZooKeeper and that owner
 * answers: the detached worker stops, its pending state (the state it diverged from and the
 * changes it accepted since) goes to the owner, the owner takes the base in by the type's rule,
 * replays the changes whose keys it has not applied, and commits the result above both versions.
 * The ring owner always survives. Protocol and scenarios: {@code docs/conflict-resolution.md}.
 *
 * <p>Runs every {@link #ROUND} on the node's timer thread; each key has at most one resolution in
 * flight; a failed one is tried again next round (a merge names its lineage, so the owner applies a
 * repeated delivery once).
 */
public final class ConflictResolver implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ConflictResolver.class);
  static final Duration ROUND = Duration.ofMillis(500);
  private static final int MAX_IN_FLIGHT = 64;

  private final String self;
  private final DetachedActivations detached;
  private final RingStore ring;
  private final Membership membership;
  private final PeerClient peers;
  private final UnreachablePeers unreachable;
  private final Settings settings;
  private final EventLog events;
  /** True while this node is connected to ZooKeeper and serving. */
  private final BooleanSupplier inTouch;
  private final Set<WorkerKey> inFlight = ConcurrentHashMap.newKeySet();
  private volatile ScheduledFuture<?> rounds;

  public ConflictResolver(String self, DetachedActivations detached, RingStore ring, Membership membership,
      PeerClient peers, UnreachablePeers unreachable, Settings settings, EventLog events, BooleanSupplier inTouch) {
    this.self = self;
    this.detached = detached;
    this.ring = ring;
    this.membership = membership;
    this.peers = peers;
    this.unreachable = unreachable;
    this.settings = settings;
    this.events = events;
    this.inTouch = inTouch;
  }

  public void start(ScheduledExecutorService timers) {
    rounds = timers.scheduleWithFixedDelay(this::round, ROUND.toMillis(), ROUND.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One pass over the unresolved keys; cheap when there are none. */
  void round() {
    try {
      if (!inTouch.getAsBoolean()) {
        return; // cut off: detached activations serve on
      }
      VersionedRing current = ring.current();
      if (current.ring().isEmpty() || !current.ring().contains(self) && !membership.members().containsKey(self)) {
        return;
      }
      Map<Member, List<WorkerKey>> remote = new HashMap<>();
      for (WorkerKey key : detached.unresolved()) {
        String owner = current.ring().owner(key.type(), key.id());
        if (owner.equals(self)) {
          resolve(key, owner, () -> resolveHere(key, current.epoch()));
          continue;
        }
        Member member = membership.members().get(owner);
        if (member != null && member.status() == MemberStatus.UP) {
          remote.computeIfAbsent(member, m -> new ArrayList<>()).add(key);
        } // else the ring is about to change; the next round sees the new owner
      }
      // A detached worker stops only once its owner answers a probe: stopping it first and then
      // failing to deliver would leave its state waiting while the next call starts another one.
      remote.forEach((member, keys) -> unreachable.probe(member.node(), member.peer()).thenAccept(reachable -> {
        if (reachable) {
          keys.forEach(key -> resolve(key, member.node(), () -> resolveAt(key, member, current.epoch())));
        }
      }));
    } catch (RuntimeException e) {
      log.warn("conflict resolver round failed", e);
    }
  }

  /** Runs one resolution of the key unless one is in flight (or too many are). */
  private void resolve(WorkerKey key, String owner, java.util.function.Supplier<CompletableFuture<Void>> resolution) {
    if (inFlight.size() >= MAX_IN_FLIGHT || !inFlight.add(key)) {
      return;
    }
    resolution.get().whenComplete((v, e) -> {
      inFlight.remove(key);
      if (e != null) {
        log.debug("resolution of {} with {} not done yet: {}", key, owner, ErrorResponses.unwrap(e).toString());
      }
    });
  }

  /** This node owns the key: its detached activation stops and its state is merged here. */
  private CompletableFuture<Void> resolveHere(WorkerKey key, long epoch) {
    return detached.retireDetached(key).thenCompose(states -> {
      if (states.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      return detached.settleHere(key, epoch).thenAccept(version -> events.add("resolve", key + ": " + states.size()
          + " detached state(s) of " + self + " merged into its own worker here (version " + version + ")"));
    });
  }

  /** Another node owns the key: the detached activation here stops and its last states go there. */
  private CompletableFuture<Void> resolveAt(WorkerKey key, Member owner, long epoch) {
    return detached.retireDetached(key).thenCompose(states -> {
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (PendingState s : states) {
        chain = chain.thenCompose(v -> send(key, owner, s, epoch));
      }
      return chain;
    });
  }

  private CompletableFuture<Void> send(WorkerKey key, Member owner, PendingState state, long epoch) {
    detached.sending(state);
    PeerRequest merge = PeerRequest.of(PeerOp.MERGE, key, epoch, Json.bytes(state)).withFrom(self);
    return peers.send(owner.peer(), merge, settings.forwardTimeout())
        .handle((r, e) -> {
          if (e != null) {
            if (ErrorResponses.unwrap(e) instanceof PeerUnreachableException u && u.silent()) {
              unreachable.mark(owner.node());
            }
            throw new IllegalStateException("node " + owner.node() + " did not take the state: "
                + ErrorResponses.unwrap(e).getMessage());
          }
          if (r.status() != 200) {
            throw new IllegalStateException("node " + owner.node() + " answered " + r.status() + ": " + r.body());
          }
          long version;
          try {
            version = Json.MAPPER.readTree(r.body()).path("version").asLong(-1);
          } catch (Exception x) {
            version = -1;
          }
          detached.resolved(key, state, owner.node(), version, epoch);
          events.add("resolve", key + ": the detached state of " + self + " (version " + state.last().version()
              + ", " + state.log().size() + " change(s)) merged into " + owner.node() + "'s worker (version " + version
              + ")");
          return null;
        });
  }

  /**
   * {@code POST /internal/merge/{type}/{id}?from=N}: the last state of node N's detached activation,
   * to merge into this node's worker. Only the ring owner takes it ({@code 421} otherwise; the
   * sender tries again with a newer ring).
   */
  public CompletableFuture<Answer> accept(WorkerKey key, String from, JsonNode body) {
    PendingState state = PendingState.fromJson(body);
    if (state == null || from == null || from.isEmpty()) {
      return CompletableFuture.completedFuture(ErrorResponses.of(CallError.BAD_JSON, "a merge is POST "
          + "/internal/merge/{type}/{id}?from=<node> with {\"base\":<copy>,\"log\":[{\"requestKey\",\"message\"}],"
          + "\"last\":<copy>,\"lineage\"}"));
    }
    VersionedRing current = ring.current();
    String owner = current.ring().isEmpty() ? null : current.ring().owner(key.type(), key.id());
    if (!self.equals(owner)) {
      return CompletableFuture.completedFuture(Router.wrongOwner(self, key, current));
    }
    if (!inTouch.getAsBoolean()) {
      // Starting, leaving, frozen, or cut off from ZooKeeper: it would merge into a detached worker,
      // the merged state would live on this node alone, and the sender would drop its copy.
      return CompletableFuture.completedFuture(ErrorResponses.of(new RingleaderException(CallError.NOT_SERVING,
          "node " + self + " is not in touch with ZooKeeper; retry shortly", Duration.ofSeconds(1), null)));
    }
    return detached.mergeDuplicate(key, state, from, current.epoch())
        .thenApply(version -> Answer.ok(Map.of("version", version, "node", self)))
        .exceptionally(ErrorResponses::of);
  }

  @Override
  public void close() {
    ScheduledFuture<?> r = rounds;
    if (r != null) {
      r.cancel(false);
    }
  }

  /** How many keys wait for a resolution here. */
  int unresolvedCount() {
    return detached.unresolved().size();
  }
}
