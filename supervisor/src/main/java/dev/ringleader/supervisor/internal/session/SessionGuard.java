package dev.ringleader.supervisor.internal.session;

import dev.ringleader.registry.VersionedRing;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.internal.activation.LocalSupervisor;
import dev.ringleader.supervisor.internal.node.EventLog;
import dev.ringleader.worker.PartitionMode;
import java.io.Closeable;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's ZooKeeper connection policy: the one {@code switch (ConnectionState)}, the serving
 * checks ({@link #cannotServe}, {@link #notServingReason}, {@link #inTouchWithZooKeeper}) and commit
 * fencing ({@link #mayCommitConsistent}), with the {@link PauseDetector}'s suspicion of a freeze.
 * SUSPENDED means stop acting as owner in partition mode consistent; LOST means the names are gone;
 * RECONNECTED means re-read the ring.
 *
 * <p>Locks: none. {@link #zk} is written only by the Curator state listener; the rest is read from
 * request, worker and timer threads.
 */
public final class SessionGuard implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(SessionGuard.class);

  private final Settings settings;
  private final EventLog events;
  /** The node's life cycle state. */
  private final Supplier<NodeState> state;
  /** True once the node is wired (its API's handler is set). */
  private final BooleanSupplier wired;
  /** The ring this node sees (read only once the node is wired). */
  private final Supplier<VersionedRing> ring;
  /** The local supervisor, or null while the node is not wired yet. */
  private final Supplier<LocalSupervisor> local;
  /** Asks the ring coordinator to look again (on RECONNECTED). */
  private final Runnable triggerCoordinator;
  /** The ZooKeeper connection as last reported to this node; written only by the state listener. */
  private volatile ConnectionState zk = ConnectionState.LOST;
  /** Null until the node started it, the last step of its start. */
  private PauseDetector pauses;

  public SessionGuard(Settings settings, EventLog events, Supplier<NodeState> state, BooleanSupplier wired,
      Supplier<VersionedRing> ring, Supplier<LocalSupervisor> local, Runnable triggerCoordinator) {
    this.settings = settings;
    this.events = events;
    this.state = state;
    this.wired = wired;
    this.ring = ring;
    this.local = local;
    this.triggerCoordinator = triggerCoordinator;
  }

  /** Starts watching for freezes of this process (the last step of the node's start). */
  public void start(PauseDetector detector) {
    pauses = detector;
    pauses.start();
  }

  /** The one place that reacts to the ZooKeeper connection. */
  public void onConnectionState(ConnectionState s) {
    zk = s;
    switch (s) {
      case CONNECTED -> log.info("node {} connected to ZooKeeper", settings.nodeId());
      case SUSPENDED -> events.add("session", settings.nodeId() + " is cut off from ZooKeeper (suspended); "
          + (settings.partitionMode() == PartitionMode.CONSISTENT ? "it refuses requests for its IDs"
          : "its live workers keep serving"));
      case LOST -> {
        log.warn("node {} lost its ZooKeeper session: its names are gone; workers in partition mode consistent stop, "
            + "those in mode available serve on detached", settings.nodeId());
        events.add("session", settings.nodeId() + " lost its ZooKeeper session; its workers stop (partition mode "
            + "consistent) or serve on detached until the conflict resolver merges them (available)");
        LocalSupervisor l = local.get();
        if (l != null) {
          l.onSessionLost();
        }
      }
      case RECONNECTED -> {
        log.info("node {} reconnected to ZooKeeper; re-reading the ring", settings.nodeId());
        triggerCoordinator.run();
      }
      case READ_ONLY -> log.warn("node {} is connected to a read-only ZooKeeper server", settings.nodeId());
    }
  }

  /** Why {@code /health} says this node does not serve (a leaving node drains), or null. */
  public String notServingReason() {
    if (state.get() == NodeState.LEAVING) {
      return "node " + settings.nodeId() + " is leaving: handing its workers over";
    }
    return cannotServe(settings.partitionMode(), false);
  }

  /**
   * True while this node may act on the cluster's state: serving or leaving, connected to ZooKeeper,
   * and not suspecting a freeze (the conflict resolver runs only then).
   */
  public boolean inTouchWithZooKeeper() {
    NodeState s = state.get();
    return (s == NodeState.STARTED || s == NodeState.LEAVING) && wired.getAsBoolean() && zookeeperConnected()
        && (pauses == null || !pauses.suspect());
  }

  /** True while the ZooKeeper connection is up (its session may still be an old one). */
  public boolean zookeeperConnected() {
    return zk == ConnectionState.CONNECTED || zk == ConnectionState.RECONNECTED;
  }

  /**
   * Why this node cannot serve, right now, IDs of a type in partition mode {@code mode}: the IDs
   * its ring gives it, or ({@code provisional}) IDs whose owner is unreachable; null when it can.
   * A leaving node still serves them. In mode available a node cut off from ZooKeeper serves on.
   */
  public String cannotServe(PartitionMode mode, boolean provisional) {
    if ((state.get() != NodeState.STARTED && state.get() != NodeState.LEAVING) || !wired.getAsBoolean()) {
      return "node " + settings.nodeId() + " is starting or stopped";
    }
    if (pauses != null && pauses.suspect()) {
      return "node " + settings.nodeId() + " was frozen (GC pause or stopped process) and is checking its "
          + "ZooKeeper session";
    }
    if (mode == PartitionMode.CONSISTENT && zk == ConnectionState.LOST) {
      return "node " + settings.nodeId() + " has no ZooKeeper session";
    }
    if (mode == PartitionMode.CONSISTENT && zk == ConnectionState.SUSPENDED) {
      return "node " + settings.nodeId() + " is cut off from ZooKeeper (partition-mode consistent)";
    }
    if (provisional) {
      // A leaving node takes no new provisional work: its last resolver pass may already be over.
      return state.get() == NodeState.LEAVING ? "node " + settings.nodeId() + " is leaving" : null;
    }
    if (!ring.get().ring().contains(settings.nodeId())) {
      return "node " + settings.nodeId() + " is not in the ring yet (epoch " + ring.get().epoch() + ")";
    }
    return null;
  }

  /**
   * True while a worker of a type in partition mode consistent may commit: connected to ZooKeeper
   * (not SUSPENDED, not LOST) and not suspecting a freeze of this process.
   */
  public boolean mayCommitConsistent() {
    return zookeeperConnected() && (pauses == null || !pauses.suspect());
  }

  /** Stops the pause detector, if it started. */
  @Override
  public void close() {
    if (pauses != null) {
      pauses.close();
    }
  }
}
