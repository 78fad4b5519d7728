package dev.ringleader.supervisor.internal.coordinator;

import dev.ringleader.registry.ClusterPaths;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.SessionTickets;
import dev.ringleader.supervisor.internal.node.EventLog;
import dev.ringleader.supervisor.internal.node.NodeMetrics;
import dev.ringleader.supervisor.internal.node.NodeThreads;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import java.io.Closeable;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;

/**
 * This node's part in the fast failover of docs/failover.md: its own session ticket (so another
 * node can end its session if it crashes) and, unless {@code crash-probe-ms} is 0, the
 * {@link CrashDetector} that ends crashed members' sessions. Started once the member znode exists.
 */
public final class FastFailover implements Closeable {
  private final SessionTickets tickets;
  private final CrashDetector detector;
  private final NodeThreads threads;

  public FastFailover(String self, CuratorFramework client, ClusterPaths paths, byte[] clusterSecret, String zookeeper,
      Duration probe, Membership membership, Leadership leadership, PeerClient peers, BooleanSupplier connected,
      EventLog events, NodeMetrics metrics, NodeThreads threads) {
    this.threads = threads;
    this.tickets = new SessionTickets(client, paths, self, clusterSecret);
    this.detector = probe.isZero() ? null : new CrashDetector(self, probe, membership, leadership, peers, tickets,
        zookeeper, connected, events, metrics, threads.crashDetectorThread);
  }

  /** Writes the session ticket (and again on every new session), then starts probing. */
  public void start() throws Exception {
    tickets.publish(threads.continuations);
    if (detector != null) {
      detector.start();
    }
  }

  @Override
  public void close() {
    if (detector != null) {
      detector.close();
    }
    tickets.close();
  }
}
