package dev.ringleader.supervisor;

import dev.ringleader.registry.ClusterPaths;
import dev.ringleader.registry.DuplicateMemberException;
import dev.ringleader.registry.Member;
import dev.ringleader.registry.MemberStatus;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.NameRegistry;
import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.VersionedRing;
import dev.ringleader.supervisor.internal.activation.CommitFence;
import dev.ringleader.supervisor.internal.activation.LocalSupervisor;
import dev.ringleader.supervisor.internal.activation.OwnershipHistory;
import dev.ringleader.supervisor.internal.activation.WorkerTypes;
import dev.ringleader.supervisor.internal.coordinator.Leadership;
import dev.ringleader.supervisor.internal.coordinator.RingCoordinator;
import dev.ringleader.supervisor.internal.coordinator.RingWaiter;
import dev.ringleader.supervisor.internal.handoff.ConflictResolver;
import dev.ringleader.supervisor.internal.handoff.Handoff;
import dev.ringleader.supervisor.internal.http.HttpApi;
import dev.ringleader.supervisor.internal.http.HttpServer;
import dev.ringleader.supervisor.internal.http.NodeCalls;
import dev.ringleader.supervisor.internal.http.Views;
import dev.ringleader.supervisor.internal.node.ClusterEvents;
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
import dev.ringleader.supervisor.internal.session.PauseDetector;
import dev.ringleader.supervisor.internal.session.NodeState;
import dev.ringleader.supervisor.internal.session.SessionGuard;
import dev.ringleader.worker.Scheduler;
import dev.ringleader.worker.StopReason;
import dev.ringleader.worker.WorkerType;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.io.Closeable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Ringleader node: a Curator client, this node's membership, its place in the leader election,
 * the ring view, the local supervisor of its workers, the router and the HTTP API.
 *
 * <p>Life cycle LATENT → STARTED → CLOSED; {@link #start()} twice is an error. {@link #close()} leaves
 * gracefully; {@link #crash()} stops everything at once, as a killed process would (tests use it).
 */
public final class RingleaderNode implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(RingleaderNode.class);

  private final Settings settings;
  private final List<WorkerType<?>> workerTypes;
  private final AtomicReference<NodeState> state = new AtomicReference<>(NodeState.LATENT);
  private final long startedAt = System.currentTimeMillis();
  /** The ZooKeeper connection policy: serving checks and commit fencing. */
  private SessionGuard session;

  private CuratorFramework client;
  private HttpServer http;
  private PeerClient peers;
  private Membership membership;
  private RingStore ring;
  private Leadership leadership;
  private LocalSupervisor local;
  private NodeMetrics metrics;
  private NodeThreads threads;

  public RingleaderNode(Settings settings, Collection<? extends WorkerType<?>> workerTypes) {
    this(settings, workerTypes, null, List.of());
  }

  RingleaderNode(Settings settings, Collection<? extends WorkerType<?>> workerTypes,
      io.micrometer.core.instrument.MeterRegistry meters, List<ClusterListener> listeners) {
    this.settings = settings;
    this.workerTypes = List.copyOf(workerTypes);
    this.userMeters = meters;
    this.listeners = List.copyOf(listeners);
  }

  /** Builds a node in a few lines: settings, worker types, optionally meters and listeners. */
  public static NodeBuilder builder() {
    return new NodeBuilder();
  }

  private final io.micrometer.core.instrument.MeterRegistry userMeters;
  private final List<ClusterListener> listeners;
  private ClusterEvents clusterEvents;
  /** The in-process call path (refs and handlers' tells); set once the router exists. */
  private volatile NodeCalls calls;

  /**
   * A worker of the cluster, for calls from Java code on this member ({@link WorkerRef#ask}):
   * routed exactly as an HTTP call. The node must be started.
   */
  public WorkerRef ref(String type, String id) {
    NodeCalls c = calls;
    if (c == null || state.get() == NodeState.LATENT) {
      throw new IllegalStateException("node " + settings.nodeId() + " is not started");
    }
    return new WorkerRef(c, new dev.ringleader.worker.WorkerKey(type, id));
  }

  /** Connects, starts serving HTTP, registers as a member and joins the leader election. */
  public void start() {
    if (!state.compareAndSet(NodeState.LATENT, NodeState.STARTED)) {
      throw new IllegalStateException("node " + settings.nodeId() + " already started");
    }
    try {
      doStart();
      started = true;
    } catch (RuntimeException e) {
      crash();
      throw e;
    }
  }

  private void doStart() {
    String id = settings.nodeId();
    WorkerTypes types = new WorkerTypes(workerTypes, settings);
    if (settings.requestType() != null && types.get(settings.requestType()) == null) {
      throw new SettingsException("invalid setting --request-type=" + settings.requestType()
          + ": no worker type of that name (known: " + types.names() + ")");
    }
    ClusterPaths paths = ClusterPaths.of(settings.cluster());
    metrics = new NodeMetrics(id, userMeters);
    clusterEvents = new ClusterEvents(id, listeners);
    events = new EventLog(id);
    history = new OwnershipHistory(id);
    threads = new NodeThreads(id, settings.workerThreads());

    client = CuratorFrameworkFactory.builder()
        .connectString(settings.zk())
        .sessionTimeoutMs((int) settings.sessionTimeout().toMillis())
        .connectionTimeoutMs((int) settings.connectionTimeout().toMillis())
        .retryPolicy(new ExponentialBackoffRetry(100, 10, 2000))
        .build();
    session = new SessionGuard(settings, events, state::get, () -> handler != null, () -> ring.current(),
        () -> local, this::triggerCoordinator);
    client.getConnectionStateListenable().addListener((c, s) -> session.onConnectionState(s));
    client.start();
    try {
      if (!client.blockUntilConnected((int) settings.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new StartupException("cannot reach ZooKeeper at " + settings.zk() + " within "
            + settings.connectionTimeout().toMillis() + " ms (settings --zk, --connection-timeout-ms)", null);
      }
      client.createContainers(paths.root());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while connecting to ZooKeeper", e);
    } catch (StartupException e) {
      throw e;
    } catch (Exception e) {
      throw new StartupException("cannot use ZooKeeper at " + settings.zk() + ": " + e.getMessage(), e);
    }

    names = new NameRegistry(client, paths, threads.timers, threads.continuations);
    ring = new RingStore(client, paths);
    Timeouts timeouts = new Timeouts(threads.timers, threads.continuations);
    RingWaiter waiter = new RingWaiter(ring, timeouts);
    Member self = new Member(id, settings.advertiseUrl(), startedAt, settings.weight(), MemberStatus.JOINING);
    membership = new Membership(client, paths, self);
    leadership = new Leadership(client, paths.leader(), id, () -> {
      events.add("leader", leadership.isLeader() ? id + " leads" : id + " no longer leads");
      clusterEvents.leadership(leadership.isLeader());
      triggerCoordinator();
    });
    coordinator = new RingCoordinator(id, leadership, membership, ring, settings.vnodes(),
        threads.coordinatorThread);

    // HTTP first (it answers 503 until the node is wired), so a busy port fails before joining.
    http = new HttpServer(settings, id, () -> handler, () -> state.get() == NodeState.CLOSED);
    http.start();
    peers = new PeerClient(http.worker(), new DefaultByteBufferPool(false, 16 * 1024),
        settings.peerBindAddress(), timeouts);
    StateStore store = new StateStore();
    // A commit cut off by the leave leaves this node's store, so the leave does not hand it over.
    fence = new CommitFence(store::removeIfVersion);
    replication = new Replication(id, settings, ring, waiter, membership, peers, store, metrics);
    rebalancer = new Rebalancer(id, settings, ring, membership, peers, store, threads.rebalancerThread);
    local = new LocalSupervisor(id, types, names, store, replication, settings.sessionTimeout().plusSeconds(1),
        threads.workerPool, Scheduler.system(threads.timers), metrics,
        key -> id.equals(ring.current().ring().owner(key.type(), key.id())),
        node -> membership.members().containsKey(node), history, session::zookeeperConnected,
        session::mayCommitConsistent, settings.detachedLogLimit(), fence,
        (type, wid, message, key) -> calls.tell(type, wid, message, key));
    rebalancer.setLive(local::isLive);
    replication.setRetryGate(fence::open);
    UnreachablePeers unreachable = new UnreachablePeers(settings.sessionTimeout(), peers);
    Router router = new Router(id, ring, waiter, membership, local, peers, settings, metrics, types, unreachable,
        session::cannotServe, timeouts);
    calls = new NodeCalls(id, router, types, timeouts, settings.forwardTimeout().multipliedBy(2));
    resolver = new ConflictResolver(id, local.detachedActivations(), ring, membership, peers, unreachable, settings,
        events, session::inTouchWithZooKeeper);
    Views views = new Views(settings, leadership, ring, membership, local, types, events, history, peers,
        session::notServingReason);
    handoff = new Handoff(id, settings, membership, ring, local, rebalancer, peers, events, resolver,
        this::endSession);
    drain = new GracefulShutdownHandler(new HttpApi(router, replication, handoff, types, settings, metrics, views,
        resolver, this::leaveAsync).handler());
    handler = drain;

    ring.addListener(this::onRing);
    ring.start();
    membership.addListener(coordinator::trigger);
    membership.addListener(this::onMembers);
    try {
      membership.start(settings.sessionTimeout().plusSeconds(2));
    } catch (DuplicateMemberException e) {
      throw new StartupException(e.getMessage() + " (setting --id)", e);
    } catch (Exception e) {
      throw new StartupException("cannot register member " + id + ": " + e, e);
    }
    try {
      handoff.join(settings.forwardTimeout().multipliedBy(4));
    } catch (Exception e) {
      throw new StartupException("cannot join the cluster: " + e, e);
    }
    try {
      leadership.start();
    } catch (Exception e) {
      throw new StartupException("cannot join the leader election: " + e, e);
    }
    session.start(new PauseDetector(client, paths.root(), settings.sessionTimeout(), events, id));
    resolver.start(threads.timers);
    registerGauges();
    log.info("node {} started: {} (cluster {}, zk {}, session timeout {} ms)", id, settings.advertiseUrl(),
        settings.cluster(), settings.zk(), settings.sessionTimeout().toMillis());
  }

  /** True once start() completed; a node that never started says nothing when it is torn down. */
  private volatile boolean started;
  private volatile RingCoordinator coordinator;
  /** The API's handler once the node is wired; null before (requests get 503). */
  private volatile HttpHandler handler;
  private Replication replication;
  private Rebalancer rebalancer;
  private Handoff handoff;
  private GracefulShutdownHandler drain;
  private EventLog events;
  private OwnershipHistory history;
  private ConflictResolver resolver;
  /** The members last seen, to log who came and went; touched only by the membership listener. */
  private java.util.Map<String, MemberStatus> lastMembers = java.util.Map.of();
  private CommitFence fence;
  private NameRegistry names;

  private void triggerCoordinator() {
    RingCoordinator c = coordinator;
    if (c != null) {
      c.trigger();
    }
  }

  private void registerGauges() {
    metrics.gauge("ringleader_workers_live", "workers live on this node", local::liveCount);
    metrics.gauge("ringleader_workers_detached", "activations serving without a global name (partition mode "
        + "available), waiting for the conflict resolver", local.detachedActivations()::detachedCount);
    metrics.gauge("ringleader_ring_epoch", "the ring epoch this node sees", () -> ring.current().epoch());
    metrics.gauge("ringleader_members", "members ZooKeeper lists", () -> membership.members().size());
    metrics.gauge("ringleader_leader", "1 when this node leads", () -> leadership.isLeader() ? 1 : 0);
    metrics.gauge("ringleader_zookeeper_connected", "1 when connected to ZooKeeper",
        () -> session.zookeeperConnected() ? 1 : 0);
  }

  private synchronized void onMembers() {
    java.util.Map<String, Member> now = membership.members();
    for (Member m : now.values()) {
      MemberStatus before = lastMembers.get(m.node());
      if (before == null) {
        events.add("member", m.node() + " joined as " + m.status().json());
      } else if (before != m.status()) {
        events.add("member", m.node() + " is now " + m.status().json());
      }
    }
    for (String n : lastMembers.keySet()) {
      if (!now.containsKey(n)) {
        events.add("member", n + " is gone");
      }
    }
    java.util.Map<String, MemberStatus> seen = new java.util.HashMap<>();
    now.values().forEach(m -> seen.put(m.node(), m.status()));
    if (!seen.equals(lastMembers)) {
      java.util.Map<String, String> statuses = new java.util.HashMap<>();
      seen.forEach((n, st) -> statuses.put(n, st.json()));
      clusterEvents.members(statuses);
    }
    lastMembers = seen;
  }

  private void onRing(VersionedRing next) {
    events.add("ring", "epoch " + next.epoch() + ": " + String.join(", ", next.ring().nodes()));
    clusterEvents.ring(next.epoch(), next.ring().nodes());
    local.onRing(next.ring());
    rebalancer.onRing();
    triggerCoordinator();
  }


  /**
   * Leaves gracefully (docs/handoff.md): marks itself leaving, waits for the leader to take it out
   * of the ring, lets its workers finish and hands their state over, drains HTTP, then closes.
   * Bounded by twice the session timeout plus the forward timeout.
   */
  @Override
  public void close() {
    if (!state.compareAndSet(NodeState.STARTED, NodeState.LEAVING)) {
      return;
    }
    log.info("node {} leaving", settings.nodeId());
    Duration budget = settings.sessionTimeout().multipliedBy(2).plus(settings.forwardTimeout());
    if (handoff != null) {
      handoff.leave(budget);
    }
    state.set(NodeState.CLOSED);
    if (drain != null) {
      drain.shutdown();
      try {
        drain.awaitShutdown(settings.forwardTimeout().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    endSession(); // already done by the handoff, unless there was none
    shutdown();
  }

  /**
   * Ends this node's ZooKeeper presence: its member znode, its latch and every global name it holds
   * go at once, and another node may then activate the same IDs. So first the commit fence closes:
   * no commit starts and no copy is retried, the commits in flight get up to forward-timeout +
   * route-wait to be held (and acknowledged), and those still in flight after that are cut off (not
   * acknowledged, logged). Then any worker thread still running is stopped (a handler that ignores
   * the interrupt can no longer commit: the fence is sealed). Idempotent.
   */
  private synchronized void endSession() {
    if (sessionEnded) {
      return;
    }
    sessionEnded = true;
    if (fence != null) {
      List<String> cut = fence.closeAndDrain(settings.forwardTimeout().plus(settings.routeWait()));
      if (!cut.isEmpty()) {
        log.warn("node {} ends its session with {} commits still waiting for their backups; they are not "
            + "acknowledged: {}", settings.nodeId(), cut.size(), cut.size() > 20 ? cut.subList(0, 20) + "…" : cut);
      }
    }
    if (threads != null && local != null && local.liveCount() > 0) {
      threads.workerPool.shutdownNow();
      try {
        if (!threads.workerPool.awaitTermination(2, TimeUnit.SECONDS)) {
          log.warn("node {}: worker threads still run handlers 2 s after they were interrupted; the session ends "
              + "anyway (their commits are refused by the sealed fence)", settings.nodeId());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeQuietly(session);
    closeQuietly(leadership);
    closeQuietly(membership);
    closeQuietly(client);
  }

  private boolean sessionEnded;

  /** {@code POST /admin/leave}: leaves on a thread of its own; the process may then exit. */
  private void leaveAsync() {
    Thread t = new Thread(() -> {
      close();
      onLeft.run();
    }, settings.nodeId() + "-leave");
    t.start();
  }

  private volatile Runnable onLeft = () -> { };

  /** What to do after an admin-requested leave finished (the demo exits the process). */
  public void onLeft(Runnable action) {
    this.onLeft = action;
  }

  /** Stops at once, with no goodbye: what a killed process does, minus the session's expiry wait. */
  public void crash() {
    state.set(NodeState.CLOSED);
    shutdown();
  }

  private void shutdown() {
    closeQuietly(resolver);
    closeQuietly(names);
    closeQuietly(session);
    closeQuietly(leadership);
    closeQuietly(membership);
    closeQuietly(ring);
    closeQuietly(client);
    closeQuietly(peers);
    if (http != null) {
      http.stop();
    }
    if (threads != null) {
      threads.shutdownNow();
    }
    if (started) {
      log.info("node {} stopped", settings.nodeId());
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.debug("closing {}", c, e);
    }
  }

  public Settings settings() {
    return settings;
  }

  public String url() {
    return settings.advertiseUrl();
  }

  public String name() {
    return settings.nodeId();
  }

  /** True while this node holds the leader latch. */
  public boolean isLeader() {
    return leadership != null && leadership.isLeader();
  }

  /** The ring epoch this node sees. */
  public long ringEpoch() {
    return ring == null ? 0 : ring.current().epoch();
  }

  /** The nodes in the ring this node sees. */
  public java.util.Set<String> ringNodes() {
    return ring == null ? java.util.Set.of() : ring.current().ring().nodes();
  }

  /** Tests: this node's replication (its batch hook). */
  Replication replication() {
    return replication;
  }

  /** Tests: this node's rebalancer (a re-replication pass on demand). */
  Rebalancer rebalancer() {
    return rebalancer;
  }

  /** How many workers are live on this node. */
  public int liveWorkers() {
    return local == null ? 0 : local.liveCount();
  }

  /** The Curator client (tests use it to expire the session). */
  public CuratorFramework curator() {
    return client;
  }
}
