package dev.ringleader.supervisor.internal.replication;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallError;
import dev.ringleader.registry.Member;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.Ring;
import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.VersionedRing;
import dev.ringleader.supervisor.AckMode;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.internal.coordinator.RingWaiter;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.failure.RingleaderException;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.node.NodeMetrics;
import dev.ringleader.supervisor.internal.node.Smile;
import dev.ringleader.supervisor.internal.node.WorkerIds;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import dev.ringleader.worker.Snapshot;
import dev.ringleader.worker.WorkerKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies of worker state on the next {@code R-1} distinct nodes clockwise: the copy made on every
 * commit, the newest copy fetched before an activation, and the receiving side; re-replication
 * after a ring change is the {@link Rebalancer}'s. The protocol, scenario by scenario, is in
 * {@code docs/replication.md}.
 *
 * <p>Locks: none across I/O. The {@link StateStore} updates per key.
 */
public final class Replication {
  private static final Logger log = LoggerFactory.getLogger(Replication.class);
  public static final int BATCH = 256;

  private final String self;
  private final Settings settings;
  private final RingStore ring;
  private final RingWaiter waiter;
  private final Membership membership;
  private final PeerClient peers;
  private final StateStore store;
  private final NodeMetrics metrics;
  private final NewestCopy newest;
  /** Nodes whose process (by start time) answered a Smile copy 400: sent JSON. One entry per node name. */
  private final Map<String, Long> textPeers = new ConcurrentHashMap<>();
  /** Runs first on the thread that handles each received batch; a hook for tests, a no-op otherwise. */
  private volatile Runnable batchHook = () -> {};

  public Replication(String self, Settings settings, RingStore ring, RingWaiter waiter, Membership membership,
      PeerClient peers, StateStore store, NodeMetrics metrics) {
    this.self = self;
    this.settings = settings;
    this.ring = ring;
    this.waiter = waiter;
    this.membership = membership;
    this.peers = peers;
    this.store = store;
    this.metrics = metrics;
    this.newest = new NewestCopy(self, settings, ring, membership, peers, store);
  }

  /** Tests: {@code hook} runs first on the thread that handles each received batch. */
  public void onBatch(Runnable hook) {
    this.batchHook = hook;
  }

  /**
   * False once this node's session is about to end ({@link dev.ringleader.supervisor.internal.activation.CommitFence CommitFence}): a commit's copy is then
   * not retried, so no copy of it is sent that could land after the session.
   */
  private volatile java.util.function.BooleanSupplier mayRetry = () -> true;

  public void setRetryGate(java.util.function.BooleanSupplier mayRetry) {
    this.mayRetry = mayRetry;
  }

  // ---- scenario 1-2: the copy made on every commit -------------------------------------------

  /**
   * The state activation {@code incarnation} of this node commits now, stamped with this node's
   * ring epoch: what it keeps and copies (scenario 2b).
   */
  public StoredState stamp(Snapshot<?> next, long incarnation) {
    return StoredState.of(next, self, ring.current().epoch(), incarnation);
  }

  /** Copies a committed state to the key's backups; completes when they hold it (or at once with ack=local). */
  public CompletableFuture<Void> replicate(WorkerKey key, StoredState state) {
    return replicate(key, state, null);
  }

  /**
   * As {@link #replicate(WorkerKey, StoredState)}; with {@code deltaKey} (the idempotency key of a
   * change whose previous version this activation committed, scenario 2c) each backup is first sent
   * only that change's reply of the window, and the whole copy if it lacks the previous version.
   */
  public CompletableFuture<Void> replicate(WorkerKey key, StoredState state, String deltaKey) {
    if (settings.replication() <= 1) {
      return CompletableFuture.completedFuture(null);
    }
    long start = System.nanoTime();
    DeltaCopy delta = deltaKey != null && state.recentReplies().containsKey(deltaKey)
        ? DeltaCopy.of(state, deltaKey, settings.idempotencyWindow()) : null;
    CompletableFuture<Void> held = holdOn(key, state, delta, ConcurrentHashMap.newKeySet(), 0)
        .whenComplete((v, e) -> metrics.replicated(e == null, System.nanoTime() - start));
    if (settings.ack() == AckMode.LOCAL) {
      held.exceptionally(e -> {
        log.warn("copy of {} v{} not held by {} nodes: {}", key, state.version(), settings.replication(),
            e.getMessage());
        return null;
      });
      return CompletableFuture.completedFuture(null);
    }
    return held;
  }

  /** Sends to the current backups that have not acknowledged yet; on a failure, waits for a newer ring. */
  private CompletableFuture<Void> holdOn(WorkerKey key, StoredState state, DeltaCopy delta, Set<String> acked,
      int attempt) {
    VersionedRing current = ring.current();
    List<String> backups = backups(current.ring(), key);
    int needed = settings.replication() - 1;
    if (backups.size() < needed) {
      return retryOrFail(key, state, delta, acked, attempt, current.epoch(), "the ring has only "
          + current.ring().nodes().size() + " nodes for replication factor " + settings.replication());
    }
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (String node : backups) {
      if (!acked.contains(node)) {
        sends.add(put(node, key, state, delta).thenAccept(ok -> acked.add(node)));
      }
    }
    return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).handle((v, e) -> {
      if (acked.containsAll(backups)) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      for (CompletableFuture<Void> send : sends) {
        Throwable cause = send.isCompletedExceptionally() ? ErrorResponses.unwrap(send.handle((x, t) -> t).join())
            : null;
        if (cause instanceof StaleActivationException stale) {
          // No retry can make a stale write held. This node's own copy of it is replaced by the
          // copy it had before (LocalSupervisor.commit, on any refusal): it is acknowledged nowhere
          // and re-replication must not spread it, but removing it would take the last
          // acknowledged copy with it (the refused one had replaced it in the store).
          return CompletableFuture.<Void>failedFuture(stale);
        }
      }
      return retryOrFail(key, state, delta, acked, attempt, current.epoch(),
          "backup unreachable: " + ErrorResponses.unwrap(e).getMessage());
    }).thenCompose(f -> f);
  }

  private CompletableFuture<Void> retryOrFail(WorkerKey key, StoredState state, DeltaCopy delta, Set<String> acked,
      int attempt, long epoch, String why) {
    if (attempt >= settings.forwardRetries()) {
      return CompletableFuture.failedFuture(new RingleaderException(CallError.NOT_ACKNOWLEDGED,
          "the change to " + key + " is not held by " + settings.replication() + " nodes (" + why + ")",
          Duration.ofSeconds(1), null));
    }
    if (!mayRetry.getAsBoolean()) {
      return CompletableFuture.failedFuture(leaving(key, why));
    }
    return waiter.atLeast(epoch + 1, settings.routeWait()).thenCompose(r -> {
      if (!mayRetry.getAsBoolean()) {
        return CompletableFuture.failedFuture(leaving(key, why));
      }
      if (r.epoch() <= epoch) {
        return CompletableFuture.failedFuture(new RingleaderException(CallError.NOT_ACKNOWLEDGED,
            "the change to " + key + " is not held by " + settings.replication() + " nodes (" + why + ")",
            Duration.ofSeconds(1), null));
      }
      return holdOn(key, state, delta, acked, attempt + 1);
    });
  }

  private RingleaderException leaving(WorkerKey key, String why) {
    return new RingleaderException(CallError.NOT_ACKNOWLEDGED, "the change to " + key + " is not held by "
        + settings.replication() + " nodes (" + why + ") and this node is leaving: its copy is not retried",
        Duration.ofSeconds(1), null);
  }

  /** The other nodes of the key's preference list (the owner's backups, or all R when not in it). */
  private List<String> backups(Ring r, WorkerKey key) {
    List<String> prefs = new ArrayList<>(r.preferenceList(key.type(), key.id(), settings.replication()));
    prefs.remove(self);
    return prefs;
  }

  private CompletableFuture<Void> put(String node, WorkerKey key, StoredState state, DeltaCopy delta) {
    Member m = membership.members().get(node);
    if (m == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("node " + node + " is not a member"));
    }
    Long text = textPeers.get(node);
    boolean smile = text == null || text != m.startedAt();
    CompletableFuture<dev.ringleader.supervisor.internal.peer.PeerResponse> sent = send(node, m, key, state, delta, smile);
    if (smile) {
      // A node of an older build reads copies as JSON text only: its 400 to a Smile copy (this
      // node never sends a malformed one) makes this process send it JSON from then on.
      sent = sent.thenCompose(r -> {
        if (r.status() != CallError.BAD_JSON.status() || !r.body().contains("\"" + CallError.BAD_JSON.code() + "\"")) {
          return CompletableFuture.completedFuture(r);
        }
        log.info("node {} does not read Smile copies ({}); sending it JSON", node, r.body());
        textPeers.put(node, m.startedAt());
        return send(node, m, key, state, delta, false);
      });
    }
    return sent.thenAccept(r -> held(node, key, state, r));
  }

  /** Sends one copy: the delta when there is one (the whole copy if the backup lacks its base), else the whole. */
  private CompletableFuture<dev.ringleader.supervisor.internal.peer.PeerResponse> send(String node, Member m,
      WorkerKey key, StoredState state, DeltaCopy delta, boolean smile) {
    // The whole copy is written only when it is sent: with a delta, most copies never need it.
    java.util.function.Supplier<PeerRequest> whole = () -> PeerRequest.of(PeerOp.COPY, key, -1,
        Smile.bytes(state, smile));
    metrics.copySent(delta == null ? "whole" : "delta");
    return delta == null
        ? peers.send(m.peer(), whole.get(), settings.forwardTimeout())
        : peers.send(m.peer(), PeerRequest.of(PeerOp.COPY_DELTA, key, -1, Smile.bytes(delta, smile)),
            settings.forwardTimeout())
            .thenCompose(r -> {
              if (r.status() != CallError.BASE_MISSING.status()) {
                return CompletableFuture.completedFuture(r);
              }
              metrics.copySent("delta_refused"); // the backup lacks the base: all of it
              return peers.send(m.peer(), whole.get(), settings.forwardTimeout());
            });
  }

  /** Checks a backup's answer to a copy: returns when it holds this activation's copy, throws otherwise. */
  private void held(String node, WorkerKey key, StoredState state,
      dev.ringleader.supervisor.internal.peer.PeerResponse r) {
    if (r.status() == CallError.NOT_OWNER.status()) {
      // Scenario 2b: the backup's ring gives the key to another node; it kept nothing.
      long theirs = -1;
      try {
        theirs = Json.MAPPER.readTree(r.body()).path("epoch").asLong(-1);
      } catch (Exception e) {
        // unreadable: still a refusal
      }
      throw new StaleActivationException(key + " v" + state.version() + " is stale: node " + node
          + " refused it, this node does not own " + key + " in its ring: " + r.body(), Math.max(0, theirs));
    }
    if (r.status() != 200) {
      throw new IllegalStateException("node " + node + " answered " + r.status() + ": " + r.body());
    }
    JsonNode answer;
    try {
      answer = Smile.mapperFor(r.bytes()).readTree(r.bytes());
    } catch (Exception e) {
      throw new IllegalStateException("node " + node + " answered " + r.bytes().length + " bytes that are "
          + "neither Smile nor JSON", e);
    }
    long kept = answer.path("version").asLong(-1);
    String keptOwner = answer.path("owner").asText(null);
    // An answer without an incarnation comes from a node that predates the stamp: owner only.
    long keptIncarnation = answer.path("incarnation").asLong(state.incarnation());
    // Held means: the backup now keeps exactly this activation's copy, at this version or a
    // later one of its own (a later copy of ours may overtake this one with ack=local).
    // Anything else is another activation's state, not ours: this one is stale (its node was
    // paused or cut off past its session, or its leave overran). Not held.
    if (kept < state.version() || !java.util.Objects.equals(keptOwner, state.owner())
        || keptIncarnation != state.incarnation()) {
      throw new StaleActivationException(key + " v" + state.version() + " is stale: node " + node
          + " keeps v" + kept + " written by " + keptOwner + " (activation " + keptIncarnation + ")");
    }
  }

  // ---- scenario 4: the newest copy before an activation ----------------------------------------

  /** The newest copy of {@code key} before an activation ({@link NewestCopy}); may be null. */
  public CompletableFuture<StoredState> latest(WorkerKey key) {
    return newest.latest(key);
  }

  // ---- the receiving side ------------------------------------------------------------------------

  /**
   * A {@code COPY} from a peer (null: its body was not a copy), scenario 2b: keeps it only if the node that
   * committed it ({@code owner}) owns the key in this node's ring, once that ring is at least as new
   * as the sender's ({@code epoch}; waits at most {@code route-wait-ms} for it, then decides by the
   * ring it has); then keeps it if it comes later in {@link StoredState#ORDER} than the kept copy.
   * Answers the copy kept ({@code version, owner, epoch, incarnation}: maybe not the one sent), or
   * {@code 409 not_owner} with this node's epoch and the owner it sees.
   */
  public CompletableFuture<Answer> accept(WorkerKey key, StoredState s, long deadlineMillis, boolean smile) {
    if (s == null) {
      return CompletableFuture.completedFuture(ErrorResponses.of(CallError.BAD_JSON,
          "a copy (Smile, or JSON from an older node) is {\"version\",\"state\",\"recentReplies\",\"owner\",\"epoch\",\"incarnation\"}"));
    }
    // Wait for the sender's ring, but never past the sender's deadline: a copy kept after its
    // sender gave up (and answered its client with an error) would hold a change nobody was told of.
    long budget = Math.max(0, Math.min(settings.routeWait().toMillis(), deadlineMillis - System.currentTimeMillis()));
    CompletableFuture<VersionedRing> caughtUp = s.epoch() > ring.current().epoch()
        ? waiter.atLeast(s.epoch(), Duration.ofMillis(budget))
        : CompletableFuture.completedFuture(ring.current());
    return caughtUp.thenApply(seen -> {
      VersionedRing r = ring.current(); // the newest this node has by now
      if (System.currentTimeMillis() > deadlineMillis) {
        return ErrorResponses.of(CallError.TIMEOUT, "the copy of " + key + " v" + s.version() + " waited past its "
            + "sender's deadline for ring epoch " + s.epoch() + "; not kept");
      }
      String owner = r.ring().isEmpty() ? null : r.ring().owner(key.type(), key.id());
      if (s.owner() != null && !s.owner().equals(owner) && r.epoch() < s.epoch()) {
        // This node's ring lags the sender's (e.g. it is cut off from ZooKeeper): it cannot tell
        // whether the newer ring gives the key to the sender. Retryable, not a fencing refusal: the
        // sender must not take itself for stale and stop.
        return ErrorResponses.of(new RingleaderException(CallError.NOT_SERVING, "node " + self + " sees ring epoch "
            + r.epoch() + ", older than the copy's " + s.epoch() + ", in which " + s.owner() + " may own " + key
            + "; the copy is not kept", Duration.ofSeconds(1), null));
      }
      if (s.owner() == null || !s.owner().equals(owner)) {
        log.info("refused a copy of {} v{} from {} (ring epoch {}): node {} owns it in ring epoch {}", key,
            s.version(), s.owner(), s.epoch(), owner, r.epoch());
        return ErrorResponses.of(new RingleaderException(CallError.NOT_OWNER, "node " + s.owner() + " does not own "
            + key + " in ring epoch " + r.epoch() + " of node " + self + " (owner: " + owner
            + "); the copy is not kept", null, Json.object().put("epoch", r.epoch()).put("owner", owner)));
      }
      StoredState kept = store.offer(key, s);
      Map<String, Object> held = new java.util.LinkedHashMap<>();
      held.put("version", kept.version());
      held.put("owner", kept.owner());
      held.put("epoch", kept.epoch());
      held.put("incarnation", kept.incarnation());
      return new Answer(200, Smile.bytes(held, smile), null);
    });
  }

  /**
   * A {@code COPY_DELTA} from a peer (scenario 2c): rebuilt into the whole copy from this node's copy
   * of the previous version when that is the same activation's commit, then kept exactly as a {@code
   * COPY} is; {@code 412 base_missing} otherwise (the owner then sends the whole copy).
   */
  public CompletableFuture<Answer> acceptDelta(WorkerKey key, byte[] body, long deadlineMillis) {
    DeltaCopy d = DeltaCopy.read(body);
    if (d == null) {
      return CompletableFuture.completedFuture(ErrorResponses.of(CallError.BAD_JSON, "a delta copy (Smile or JSON) is {\"version\","
          + "\"state\",\"owner\",\"epoch\",\"incarnation\",\"key\",\"reply\",\"window\"}"));
    }
    StoredState base = store.get(key);
    if (!d.follows(base)) {
      return CompletableFuture.completedFuture(ErrorResponses.of(CallError.BASE_MISSING, "node " + self + " holds "
          + (base == null ? "no copy" : "v" + base.version() + " by " + base.owner() + "/" + base.incarnation())
          + " of " + key + ", not the base of " + d + "; send the whole copy"));
    }
    return accept(key, d.applyTo(base), deadlineMillis, Smile.is(body));
  }

  /**
   * A {@code FETCH} from a peer: this node's copy of the key, as held (never an own commit still being
   * copied); as Smile when the request asked for it ({@link Smile#asking}), as JSON for an older node.
   */
  public Answer copy(WorkerKey key, boolean smile) {
    StoredState s = store.held(key);
    return s == null ? ErrorResponses.of(CallError.NOT_FOUND, "no copy of " + key + " on node " + self)
        : new Answer(200, Smile.bytes(s, smile), null);
  }

  /** A {@code COPY_BATCH} from a peer: many copies. */
  public Answer acceptBatch(JsonNode body) {
    batchHook.run();
    if (!body.isArray() || body.size() > BATCH) {
      return ErrorResponses.of(CallError.BAD_JSON, "a batch is a JSON array of at most " + BATCH + " copies");
    }
    int kept = 0;
    for (JsonNode n : body) {
      try {
        ReplicaCopy c = Json.MAPPER.treeToValue(n, ReplicaCopy.class);
        if (c.type() == null || c.id() == null || c.state() == null || !WorkerIds.valid(c.id())) {
          return ErrorResponses.of(CallError.BAD_JSON, "each copy is {\"type\",\"id\",\"version\",\"state\",\"recentReplies\"}");
        }
        try {
          store.offer(c.key(), c.stored());
        } catch (IllegalStateException diskFailed) {
          return ErrorResponses.of(new RingleaderException(CallError.NOT_SERVING, diskFailed.getMessage()
              + "; the batch was kept only up to that copy", Duration.ofSeconds(1), null));
        }
        kept++;
      } catch (Exception e) {
        return ErrorResponses.of(CallError.BAD_JSON, "each copy is {\"type\",\"id\",\"version\",\"state\",\"recentReplies\"}");
      }
    }
    return Answer.ok(Map.of("kept", kept));
  }
}
