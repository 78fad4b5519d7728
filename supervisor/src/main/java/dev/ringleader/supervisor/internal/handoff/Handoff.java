package dev.ringleader.supervisor.internal.handoff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallError;
import dev.ringleader.registry.Member;
import dev.ringleader.registry.MemberStatus;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.RingStore;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.internal.activation.LocalSupervisor;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.node.EventLog;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import dev.ringleader.supervisor.internal.replication.Rebalancer;
import dev.ringleader.worker.StopReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joining and leaving with state handed over; the protocol is {@code docs/handoff.md}.
 *
 * <p>Join: the node registers as {@code joining}, asks every {@code up} member to send it the copies
 * it will hold once it is in the ring, and only then marks itself {@code up}, so the leader puts it in
 * the ring. Leave: the node marks itself {@code leaving}; the leader takes it out of the ring; its
 * workers finish what they accepted (their last commits go to the new owners) and stop; its session
 * closes, so all its global names go at once; its remaining copies are pushed to the nodes that now
 * hold them; then it may close.
 */
public final class Handoff {
  private static final Logger log = LoggerFactory.getLogger(Handoff.class);

  private final String self;
  private final Settings settings;
  private final Membership membership;
  private final RingStore ring;
  private final LocalSupervisor local;
  private final Rebalancer rebalancer;
  private final PeerClient peers;
  private final EventLog events;
  /** Stops the worker threads if any still run, then closes the ZooKeeper session. */
  private final Runnable endSession;

  private final ConflictResolver resolver;

  public Handoff(String self, Settings settings, Membership membership, RingStore ring, LocalSupervisor local,
      Rebalancer rebalancer, PeerClient peers, EventLog events, ConflictResolver resolver, Runnable endSession) {
    this.resolver = resolver;
    this.endSession = endSession;
    this.self = self;
    this.settings = settings;
    this.membership = membership;
    this.ring = ring;
    this.local = local;
    this.rebalancer = rebalancer;
    this.peers = peers;
    this.events = events;
  }

  /** Scenario 1 of docs/handoff.md. Blocking; called once at start, before the node is up. */
  public void join(Duration timeout) throws Exception {
    List<CompletableFuture<Void>> asks = new ArrayList<>();
    byte[] body = Json.bytes(Json.object().put("node", self).put("weight", settings.weight()));
    for (Member m : membership.members().values()) {
      if (m.node().equals(self) || m.status() != MemberStatus.UP) {
        continue;
      }
      asks.add(peers.send(m.peer(), PeerRequest.of(PeerOp.JOIN, body), timeout)
          .thenAccept(r -> {
            if (r.status() != 200) {
              log.warn("node {} could not prepare the join of {}: {} {}", m.node(), self, r.status(), r.body());
            }
          })
          .exceptionally(e -> {
            log.warn("node {} did not prepare the join of {}: {}", m.node(), self, e.toString());
            return null;
          }));
    }
    CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    membership.setStatus(MemberStatus.UP);
    events.add("handoff", self + " received the state it will hold from " + asks.size() + " nodes; now up");
  }

  /** The receiving side of {@code POST /internal/join {"node","weight"}}. */
  public CompletableFuture<Answer> prepareJoin(JsonNode body) {
    String joiner = body.path("node").asText("");
    int weight = body.path("weight").asInt(1);
    if (!joiner.matches("[A-Za-z0-9_-]{1,64}") || weight < 1 || weight > 100) {
      return CompletableFuture.completedFuture(
          ErrorResponses.of(CallError.BAD_JSON, "a join is {\"node\": name, \"weight\": 1-100}"));
    }
    return rebalancer.pushToJoiner(joiner, weight).thenApply(n -> Answer.ok(Map.of("sent", n)));
  }

  /** Scenario 2 of docs/handoff.md. Blocking; bounded by {@code timeout}. */
  public void leave(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      membership.setStatus(MemberStatus.LEAVING);
    } catch (Exception e) {
      log.warn("node {} could not mark itself leaving ({}); handing over anyway", self, e.toString());
    }
    events.add("handoff", self + " is leaving; waiting for a ring without it");
    while (ring.current().ring().contains(self) && System.nanoTime() < deadline) {
      pause();
    }
    if (ring.current().ring().contains(self)) {
      log.warn("node {}: no ring without it arrived in time (no leader?); stopping its workers anyway", self);
    }
    int workers = local.liveCount();
    try {
      // Every worker answers what it accepted (its last commits go to the new owners), then stops.
      // Names are not released one by one: closing the session deletes them all at once.
      local.stopAllWithoutReleasingNames().get(remaining(deadline), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("node {}: its workers did not stop in time: {}", self, e.toString());
    }
    // Detached workers (partition mode available) stopped too: their last states go to the owners
    // of their IDs now, while this node still has its session (docs/conflict-resolution.md).
    resolver.round(); // at once; the resolver's own rounds go on every 500 ms meanwhile
    while (resolver.unresolvedCount() > 0 && System.nanoTime() < deadline) {
      pause();
    }
    if (resolver.unresolvedCount() > 0) {
      log.warn("node {}: {} detached states could not be merged before it left; they are lost", self,
          resolver.unresolvedCount());
    }
    // No handler runs any more (or the worker threads are stopped): the names may go.
    endSession.run();
    try {
      rebalancer.rereplicate().get(remaining(deadline), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("node {}: re-replication did not finish in time: {}", self, e.toString());
    }
    events.add("handoff", self + " handed over " + workers + " live workers and its copies");
  }

  private static long remaining(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
