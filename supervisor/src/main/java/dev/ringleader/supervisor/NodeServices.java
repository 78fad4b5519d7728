package dev.ringleader.supervisor;

import dev.ringleader.registry.Membership;
import dev.ringleader.registry.RingStore;
import dev.ringleader.supervisor.internal.activation.CommitFence;
import dev.ringleader.supervisor.internal.activation.LocalSupervisor;
import dev.ringleader.supervisor.internal.activation.OwnershipHistory;
import dev.ringleader.supervisor.internal.activation.WorkerTypes;
import dev.ringleader.supervisor.internal.coordinator.Leadership;
import dev.ringleader.supervisor.internal.coordinator.RingWaiter;
import dev.ringleader.supervisor.internal.handoff.ConflictResolver;
import dev.ringleader.supervisor.internal.handoff.Handoff;
import dev.ringleader.supervisor.internal.http.AdminToken;
import dev.ringleader.supervisor.internal.http.HttpApi;
import dev.ringleader.supervisor.internal.http.NodeCalls;
import dev.ringleader.supervisor.internal.http.PeerApi;
import dev.ringleader.supervisor.internal.http.Views;
import dev.ringleader.supervisor.internal.node.EventLog;
import dev.ringleader.supervisor.internal.node.NodeMetrics;
import dev.ringleader.supervisor.internal.node.NodeThreads;
import dev.ringleader.supervisor.internal.node.Timeouts;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.replication.Rebalancer;
import dev.ringleader.supervisor.internal.replication.Replication;
import dev.ringleader.supervisor.internal.replication.StateStore;
import dev.ringleader.supervisor.internal.routing.Router;
import dev.ringleader.supervisor.internal.routing.UnreachablePeers;
import dev.ringleader.supervisor.internal.session.SessionGuard;
import dev.ringleader.worker.Scheduler;
import io.undertow.server.handlers.GracefulShutdownHandler;

/**
 * What a node serves with, wired once its ZooKeeper client, ring, membership and peer client exist:
 * the store and commit fence, replication and rebalancing, the local supervisor, the router and the
 * in-process calls, conflict resolution, handoff, and the two faces (the client port's HTTP API and
 * the peer port's dispatcher). Built in this order because each part needs the ones before it.
 */
final class NodeServices {
  final CommitFence fence;
  final Replication replication;
  final Rebalancer rebalancer;
  final LocalSupervisor local;
  final NodeCalls calls;
  final ConflictResolver resolver;
  final Handoff handoff;
  final PeerApi peerApi;
  final GracefulShutdownHandler drain;

  NodeServices(String id, Settings settings, WorkerTypes types, Naming naming, RingStore ring, RingWaiter waiter,
      Membership membership, Leadership leadership, PeerClient peers, NodeMetrics metrics, NodeThreads threads,
      OwnershipHistory history, EventLog events, SessionGuard session, Timeouts timeouts, Runnable endSession,
      Runnable leave, dev.ringleader.supervisor.internal.replication.StateDisk disk) {
    StateStore store = new StateStore(disk, settings.stateCache()); // with a disk: a bounded cache in front of it
    metrics.gauge("ringleader_states_in_heap", "worker states this node's heap holds (with a durability on disk: "
        + "the cached ones)", store::inHeap);
    // A commit cut off by the leave leaves this node's store, so the leave does not hand it over.
    this.fence = new CommitFence(store::removeIfVersion);
    this.replication = new Replication(id, settings, ring, waiter, membership, peers, store, metrics);
    this.rebalancer = new Rebalancer(id, settings, ring, membership, peers, store, threads.rebalancerThread,
        threads.walkerThread);
    this.local = new LocalSupervisor(id, types, naming.names(ring, membership, session::zookeeperConnected, threads), store, replication, settings.sessionTimeout().plusSeconds(1),
        threads.workerPool, Scheduler.system(threads.timers), metrics,
        key -> id.equals(ring.current().ring().owner(key.type(), key.id())),
        node -> membership.members().containsKey(node), history, session::zookeeperConnected,
        session::mayCommitConsistent, settings.detachedLogLimit(), fence,
        this::tell);
    naming.attach(local);
    rebalancer.setLive(local::isLive);
    replication.setRetryGate(fence::open);
    UnreachablePeers unreachable = new UnreachablePeers(settings.sessionTimeout(), peers);
    Router router = new Router(id, ring, waiter, membership, local, peers, settings, metrics, types, unreachable,
        session::cannotServe, timeouts);
    this.calls = new NodeCalls(id, router, types, timeouts, settings.forwardTimeout().multipliedBy(2));
    this.resolver = new ConflictResolver(id, local.detachedActivations(), ring, membership, peers, unreachable, settings,
        events, session::inTouchWithZooKeeper);
    Views views = new Views(settings, leadership, ring, membership, local, types, events, history, peers,
        session::notServingReason);
    this.handoff = new Handoff(id, settings, membership, ring, local, rebalancer, peers, events, resolver,
        endSession);
    this.peerApi = new PeerApi(router, replication, handoff, resolver, views, types, metrics, settings.requestType(),
        threads.continuations);
    this.drain = new GracefulShutdownHandler(new HttpApi(router, types, settings, metrics, views,
        new AdminToken(settings.adminToken()), leave).handler());
  }

  /** A handler's {@code context.tell}: through the same calls as Java code (set by then). */
  private java.util.concurrent.CompletionStage<com.fasterxml.jackson.databind.JsonNode> tell(String type, String id,
      com.fasterxml.jackson.databind.JsonNode message, String key) {
    return calls.tell(type, id, message, key);
  }
}
