package dev.ringleader.supervisor.internal.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallError;
import dev.ringleader.registry.Member;
import dev.ringleader.registry.MemberStatus;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.VersionedRing;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.internal.activation.LocalSupervisor;
import dev.ringleader.supervisor.internal.activation.WorkerTypes;
import dev.ringleader.supervisor.internal.coordinator.RingWaiter;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.failure.RingleaderException;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.node.NodeMetrics;
import dev.ringleader.supervisor.internal.node.Timeouts;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import dev.ringleader.supervisor.internal.peer.PeerResponse;
import dev.ringleader.supervisor.internal.peer.PeerUnreachableException;
import dev.ringleader.supervisor.internal.replication.StaleActivationException;
import dev.ringleader.worker.PartitionMode;
import dev.ringleader.worker.WorkerKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The path of one request: owner = ring.owner(type, id); if it is this node, the local supervisor;
 * otherwise one forward to the owner, carrying this node's ring epoch. A node that gets a forwarded
 * request for an ID it does not own answers {@code 421 wrong_owner} with its epoch; this node then
 * waits (without a thread) for a ring at least that new and tries again, at most
 * {@code forward-retries} times. Never a forward of a forward.
 *
 * <p>Partition mode available (per worker type): when the owner does not answer in time, the call
 * is served here by a provisional (detached) worker, and so are the owner's next calls while it is
 * marked unreachable; the conflict resolver merges that worker into the owner's once it answers.
 */
public final class Router {
  public static final String EPOCH_HEADER = "X-Ringleader-Epoch";
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private final String self;
  private final RingStore ring;
  private final RingWaiter waiter;
  private final Membership membership;
  private final LocalSupervisor local;
  private final PeerClient peers;
  private final Settings settings;
  private final NodeMetrics metrics;
  /** Why this node cannot serve a call of a type in the given mode right now, or null. */
  private final java.util.function.BiFunction<PartitionMode, Boolean, String> cannotServe;
  private final WorkerTypes types;
  private final UnreachablePeers unreachable;
  /** Timeouts and retry delays; what follows them runs on the node's executor. */
  private final Timeouts timeouts;

  public Router(String self, RingStore ring, RingWaiter waiter, Membership membership, LocalSupervisor local,
      PeerClient peers, Settings settings, NodeMetrics metrics, WorkerTypes types, UnreachablePeers unreachable,
      java.util.function.BiFunction<PartitionMode, Boolean, String> cannotServe, Timeouts timeouts) {
    this.timeouts = timeouts;
    this.types = types;
    this.unreachable = unreachable;
    this.self = self;
    this.ring = ring;
    this.waiter = waiter;
    this.membership = membership;
    this.local = local;
    this.peers = peers;
    this.settings = settings;
    this.metrics = metrics;
    this.cannotServe = cannotServe;
  }

  /** Routes a call; the answer is always complete (errors are answers too). */
  public CompletableFuture<Answer> route(Call call) {
    return attempt(call, 0).exceptionally(ErrorResponses::of);
  }

  private CompletableFuture<Answer> attempt(Call call, int retries) {
    VersionedRing current = ring.current();
    if (current.ring().isEmpty()) {
      return retryOnNewerRing(call, retries, current.epoch(), CallError.NO_RING,
          "the cluster has no ring yet (no leader, or no member is up); retry shortly");
    }
    String owner = current.ring().owner(call.key().type(), call.key().id());
    if (owner.equals(self)) {
      return local(call, current.epoch(), retries, false);
    }
    if (call.forwarded()) {
      if (call.callerEpoch() > current.epoch() && retries == 0) {
        // The caller has seen a newer ring than we have: wait for ours to catch up once, then decide.
        return waiter.atLeast(call.callerEpoch(), settings.routeWait())
            .thenCompose(r -> attempt(call, 1));
      }
      return CompletableFuture.completedFuture(wrongOwner(self, call.key(), current));
    }
    if (types.available(call.key().type()) && unreachable.contains(owner)) {
      return local(call, current.epoch(), retries, true);
    }
    Member member = membership.members().get(owner);
    if (member == null || member.status() != MemberStatus.UP) {
      return retryOnNewerRing(call, retries, current.epoch(), CallError.OWNER_UNREACHABLE,
          "the owner of " + call.key() + ", node " + owner + ", has left; retry shortly");
    }
    return forward(call, member, current.epoch(), retries);
  }

  /**
   * {@code 421 wrong_owner}: a node asked to act for an ID it does not own in its ring, with its
   * epoch and the owner it sees, so that the sender waits for that ring and tries again.
   */
  public static Answer wrongOwner(String self, WorkerKey key, VersionedRing ring) {
    String owner = ring.ring().isEmpty() ? null : ring.ring().owner(key.type(), key.id());
    return ErrorResponses.of(new RingleaderException(CallError.WRONG_OWNER, "node " + self + " does not own " + key
        + " in ring epoch " + ring.epoch() + " (owner: " + owner + "); the sender retries", null,
        Json.object().put("epoch", ring.epoch()).put("owner", owner)));
  }

  private CompletableFuture<Answer> forward(Call call, Member owner, long epoch, int retries) {
    PeerOp op = switch (call.kind()) {
      case REQUEST -> PeerOp.FORWARD_REQUEST;
      case READ -> PeerOp.FORWARD_READ;
      case TELL -> PeerOp.FORWARD_TELL;
    };
    byte[] body = call.kind() == Call.Kind.TELL ? Json.bytes(call.message()) : null;
    PeerRequest request = PeerRequest.of(op, call.key(), epoch, body).withRequestKey(call.requestKey());
    return peers.send(owner.peer(), request, settings.forwardTimeout())
        .handle((response, error) -> {
          if (error != null) {
            metrics.forwarded("unreachable");
            if (ErrorResponses.unwrap(error) instanceof PeerUnreachableException u && u.silent()
                && types.available(call.key().type())) {
              // Partition mode available: if the owner does not answer a probe either, serve it
              // here; the resolver merges it when the split heals. An owner that answers is slow,
              // not cut off, and may still apply this call: it is retried, never served twice.
              return unreachable.probe(owner.node(), owner.peer()).thenCompose(reachable -> reachable
                  ? retryOnNewerRing(call, retries, epoch, CallError.OWNER_UNREACHABLE, "the owner of " + call.key()
                      + ", node " + owner.node() + ", is slow to answer (" + u.getMessage() + "); retry shortly")
                  : local(call, epoch, retries, true));
            }
            // Every call is safe to send again: TELLs carry an idempotency key the owner remembers.
            return retryOnNewerRing(call, retries, epoch, CallError.OWNER_UNREACHABLE,
                "the owner of " + call.key() + ", node " + owner.node() + ", is unreachable ("
                    + ErrorResponses.unwrap(error).getMessage() + "); retry shortly");
          }
          if (response.status() == CallError.WRONG_OWNER.status()) {
            metrics.forwarded("wrong_owner");
            return retryAfterWrongOwner(call, retries, epoch, response);
          }
          metrics.forwarded("ok");
          return CompletableFuture.completedFuture(response.toAnswer());
        })
        .thenCompose(f -> f);
  }

  private CompletableFuture<Answer> retryAfterWrongOwner(Call call, int retries, long epoch, PeerResponse response) {
    if (retries >= settings.forwardRetries()) {
      return CompletableFuture.completedFuture(ErrorResponses.of(new RingleaderException(CallError.OWNER_UNREACHABLE,
          "the nodes do not agree yet on the owner of " + call.key() + " (a ring change is in progress); "
              + "retry shortly", Duration.ofSeconds(1), null)));
    }
    long theirs = epoch;
    try {
      JsonNode body = Json.MAPPER.readTree(response.body());
      theirs = body.path("epoch").asLong(epoch);
    } catch (Exception e) {
      // keep our own epoch
    }
    if (theirs > epoch) {
      return waiter.atLeast(theirs, settings.routeWait()).thenCompose(r -> attempt(call, retries + 1));
    }
    // They are behind us; they wait for our epoch on the next try. Give them a moment.
    return timeouts.after(Duration.ofMillis(20L * (retries + 1))).thenCompose(x -> attempt(call, retries + 1));
  }

  private CompletableFuture<Answer> retryOnNewerRing(Call call, int retries, long epoch, CallError failure,
      String message) {
    if (retries >= settings.forwardRetries()) {
      return CompletableFuture.failedFuture(new RingleaderException(failure, message, Duration.ofSeconds(1), null));
    }
    return waiter.atLeast(epoch + 1, settings.routeWait()).thenCompose(r -> {
      if (r.epoch() <= epoch) {
        return CompletableFuture.failedFuture(new RingleaderException(failure, message, Duration.ofSeconds(1), null));
      }
      return attempt(call, retries + 1);
    });
  }

  /** Serves the call here: this node owns the ID, or ({@code provisional}) its owner is unreachable. */
  private CompletableFuture<Answer> local(Call call, long epoch, int retries, boolean provisional) {
    String problem = cannotServe.apply(types.mode(call.key().type()), provisional);
    if (problem != null) {
      return CompletableFuture.failedFuture(new RingleaderException(CallError.NOT_SERVING,
          problem + "; retry shortly", Duration.ofSeconds(1), null));
    }
    CompletableFuture<Object> result;
    switch (call.kind()) {
      case TELL -> {
        int up = ring.current().ring().nodes().size(); // the ring holds exactly the up members

        if (up < settings.minNodes() && !provisional) {
          return CompletableFuture.failedFuture(new RingleaderException(CallError.BELOW_MIN_NODES,
              "only " + up + " of the required " + settings.minNodes() + " nodes are up; writes are refused "
                  + "until more nodes join (reads of live workers still answer)", Duration.ofSeconds(2), null));
        }
        result = local.tell(call.key(), call.message(), call.requestKey(), epoch, provisional);
      }
      case REQUEST -> result = local.tell(call.key(), call.message(), null, epoch, provisional);
      case READ -> result = local.read(call.key(), epoch, provisional);
      default -> throw new IllegalStateException(call.kind().toString());
    }
    return timeouts.orTimeout(result, settings.forwardTimeout())
        .<Answer>thenApply(value -> switch (call.kind()) {
          case REQUEST -> Answer.ok(value);
          case TELL -> Answer.ok(envelope(call, "reply", value));
          case READ -> Answer.ok(envelope(call, "state", value));
        })
        .exceptionallyCompose(e -> {
          Throwable cause = ErrorResponses.unwrap(e);
          if (cause instanceof RingleaderException r && r.failure == CallError.WRONG_OWNER
              && retries < settings.forwardRetries()) {
            return attempt(call, retries + 1); // the ring moved the key away meanwhile: route again
          }
          StaleActivationException stale = StaleActivationException.in(cause);
          if (stale != null && stale.refused() && call.requestKey() != null && retries < settings.forwardRetries()) {
            return afterRefusedCopy(call, retries, stale);
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  /**
   * docs/replication.md scenario 2b: a backup refused this node's copy, because its ring gives the
   * ID to another node (the ring moved it while the worker handled the call). The change is kept
   * nowhere (the copy was refused, this node dropped its own, the worker stops), so the call goes
   * to the owner of that ring, with its idempotency key: a rolling restart fails no request for it.
   */
  private CompletableFuture<Answer> afterRefusedCopy(Call call, int retries, StaleActivationException stale) {
    return waiter.atLeast(stale.epoch, settings.routeWait()).thenCompose(r -> attempt(call, retries + 1));
  }

  private Map<String, Object> envelope(Call call, String field, Object value) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("type", call.key().type());
    out.put("id", call.key().id());
    out.put("node", self);
    out.put(field, value);
    return out;
  }
}
