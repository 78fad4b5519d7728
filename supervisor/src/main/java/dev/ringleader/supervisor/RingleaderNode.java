package dev.ringleader.supervisor;

import dev.ringleader.registry.ClusterPaths;
import dev.ringleader.registry.Member;
import dev.ringleader.registry.MemberStatus;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.VersionedRing;
import dev.ringleader.registry.ZooKeeperAccess;
import dev.ringleader.supervisor.internal.activation.CommitFence;
import dev.ringleader.supervisor.internal.activation.LocalSupervisor;
import dev.ringleader.supervisor.internal.activation.OwnershipHistory;
import dev.ringleader.supervisor.internal.activation.WorkerTypes;
import dev.ringleader.supervisor.internal.coordinator.FastFailover;
import dev.ringleader.supervisor.internal.coordinator.Leadership;
import dev.ringleader.supervisor.internal.coordinator.RingCoordinator;
import dev.ringleader.supervisor.internal.coordinator.RingWaiter;
import dev.ringleader.supervisor.internal.handoff.ConflictResolver;
import dev.ringleader.supervisor.internal.handoff.Handoff;
import dev.ringleader.supervisor.internal.http.HttpServer;
import dev.ringleader.supervisor.internal.http.NodeCalls;
import dev.ringleader.supervisor.internal.http.PeerApi;
import dev.ringleader.supervisor.internal.node.ClusterEvents;
import dev.ringleader.supervisor.internal.node.EventLog;
import dev.ringleader.supervisor.internal.node.MemberLog;
import dev.ringleader.supervisor.internal.node.NodeMetrics;
import dev.ringleader.supervisor.internal.node.NodeThreads;
import dev.ringleader.supervisor.internal.node.Timeouts;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.peer.PeerNetwork;
import dev.ringleader.supervisor.internal.replication.Rebalancer;
import dev.ringleader.supervisor.internal.replication.Replication;
import dev.ringleader.supervisor.internal.session.NodeState;
import dev.ringleader.supervisor.internal.session.PauseDetector;
import dev.ringleader.supervisor.internal.session.SessionGuard;
import dev.ringleader.supervisor.internal.session.ZooKeeperConnector;
import dev.ringleader.worker.WorkerType;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.io.Closeable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
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
  private PeerNetwork network;
  /** What the peer port does with a request; null until the node is wired (requests then get 503). */
  private volatile PeerApi peerApi;
  private Membership membership;
  private RingStore ring;
  private Leadership leadership;
  private LocalSupervisor local;
  private NodeMetrics metrics;
  private NodeThreads threads;

  public RingleaderNode(Settings settings, Collection<? extends WorkerType<?>> workerTypes) {
    this(settings, workerTypes, null, List.of(), null);
  }

  RingleaderNode(Settings settings, Collection<? extends WorkerType<?>> workerTypes,
      io.micrometer.core.instrument.MeterRegistry meters, List<ClusterListener> listeners,
      com.fasterxml.jackson.databind.ObjectMapper mapper) {
    this.mapper = mapper != null ? mapper : dev.ringleader.supervisor.internal.node.Json.MAPPER;
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
  private final com.fasterxml.jackson.databind.ObjectMapper mapper;
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
    return new WorkerRef(c, new dev.ringleader.worker.WorkerKey(type, id), mapper);
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
    disk = StartupSteps.openStore(settings); // first: a bad store stops start-up before the node joins
    metrics = new NodeMetrics(id, userMeters);
    clusterEvents = new ClusterEvents(id, listeners);
    events = new EventLog(id);
    history = new OwnershipHistory(id);
    threads = new NodeThreads(id, settings.workerThreads());

    session = new SessionGuard(settings, events, state::get, () -> handler != null, () -> ring.current(),
        () -> local, this::triggerCoordinator);
    ZooKeeperAccess access = settings.zkAcl() ? ZooKeeperAccess.fromSecret(settings.clusterSecret())
        : ZooKeeperAccess.open();
    client = ZooKeeperConnector.connect(settings, access, (c, s) -> session.onConnectionState(s), paths.root());

    names = new Naming(settings, client, paths, threads);
    ring = new RingStore(client, paths);
    Timeouts timeouts = new Timeouts(threads.timers, threads.continuations);
    RingWaiter waiter = new RingWaiter(ring, timeouts);
    // The peer port and HTTP first (HTTP answers 503 until the node is wired), so a busy port fails
    // start-up before this node joins.
    network = new PeerNetwork(id, startedAt, settings.clusterSecret(), 1);
    int peerPort = network.start(settings.host(), settings.peerPort(), settings.peerBindAddress(),
        () -> peerApi, timeouts);
    String peerAddress = settings.advertisePeer() != null ? settings.advertisePeer() : StartupSteps.hostPort(settings.host(), peerPort);
    http = new HttpServer(settings, id, () -> handler, () -> state.get() == NodeState.CLOSED);
    http.start();
    peers = network.client();
    Member self = new Member(id, settings.advertiseUrl(), peerAddress, startedAt, settings.weight(),
        MemberStatus.JOINING, settings.durability().setting(), settings.names().name().toLowerCase(java.util.Locale.ROOT));
    membership = new Membership(client, paths, self);
    leadership = new Leadership(client, paths.leader(), id, () -> {
      events.add("leader", leadership.isLeader() ? id + " leads" : id + " no longer leads");
      clusterEvents.leadership(leadership.isLeader());
      triggerCoordinator();
    });
    coordinator = new RingCoordinator(id, leadership, membership, ring, settings.vnodes(),
        threads.coordinatorThread);

    NodeServices parts = new NodeServices(id, settings, types, names, ring, waiter, membership, leadership, peers,
        metrics, threads, history, events, session, timeouts, this::endSession, this::leaveAsync, disk);
    fence = parts.fence;
    replication = parts.replication;
    rebalancer = parts.rebalancer;
    local = parts.local;
    resolver = parts.resolver;
    handoff = parts.handoff;
    calls = parts.calls;
    peerApi = parts.peerApi;
    drain = parts.drain;
    handler = drain;

    ring.addListener(this::onRing);
    ring.start();
    membership.addListener(coordinator::trigger);
    membership.addListener(new MemberLog(membership::members, events, clusterEvents));
    FastFailover.endDeadPredecessor(client, paths, id, startedAt, settings.clusterSecret(), peers, settings.zk());
    StartupSteps.register(id, settings, client, paths, membership, names); // the durability first, the names last
    StartupSteps.step("cannot join the cluster", () -> handoff.join(settings.forwardTimeout().multipliedBy(4)));
    StartupSteps.step("cannot join the leader election", leadership::start);
    failover = new FastFailover(id, client, paths, settings.clusterSecret(), settings.zk(), settings.crashProbe(),
        membership, leadership, peers, session::zookeeperConnected, events, metrics, threads);
    StartupSteps.step("cannot write the session ticket", failover::start);
    session.start(new PauseDetector(client, paths.root(), paths.ring(), () -> ring.current().version(),
        settings.sessionTimeout(), events, id));
    resolver.start(threads.timers);
    metrics.nodeGauges(local::liveCount, local.detachedActivations()::detachedCount, () -> ring.current().epoch(),
        () -> membership.members().size(), leadership::isLeader, session::zookeeperConnected,
        network::refusedConnections);
    log.info("node {} started: {}, peer port {} (cluster {}, zk {}, session timeout {} ms)", id,
        settings.advertiseUrl(), peerAddress, settings.cluster(), settings.zk(), settings.sessionTimeout().toMillis());
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
  private CommitFence fence;
  private Naming names;
  private FastFailover failover;
  private dev.ringleader.supervisor.internal.replication.StateDisk disk;

  private void triggerCoordinator() {
    RingCoordinator c = coordinator;
    if (c != null) {
      c.trigger();
    }
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
      threads.stopWorkers(Duration.ofSeconds(2)); // their commits are refused by the sealed fence
    }
    StartupSteps.closeQuietly(failover);
    StartupSteps.closeQuietly(session);
    StartupSteps.closeQuietly(leadership);
    StartupSteps.closeQuietly(membership);
    StartupSteps.closeQuietly(client);
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

  /** Closes everything; the ports first (as a killed process's are), then the ZooKeeper side. */
  private void shutdown() {
    StartupSteps.closeQuietly(failover);
    StartupSteps.closeQuietly(network);
    if (http != null) {
      http.stop();
    }
    StartupSteps.closeQuietly(resolver);
    StartupSteps.closeQuietly(names);
    StartupSteps.closeQuietly(session);
    StartupSteps.closeQuietly(leadership);
    StartupSteps.closeQuietly(membership);
    StartupSteps.closeQuietly(ring);
    StartupSteps.closeQuietly(client);
    if (threads != null) {
      threads.shutdownNow();
    }
    StartupSteps.closeQuietly(disk); // last: no write may reach a closed store
    if (started) {
      log.info("node {} stopped", settings.nodeId());
    }
  }

  public Settings settings() {
    return settings;
  }

  public String url() {
    return settings.advertiseUrl();
  }

  /** The port the peer listener is bound to (the OS's choice when {@code --peer-port 0}). */
  public int peerPort() {
    return network == null ? -1 : network.port();
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
