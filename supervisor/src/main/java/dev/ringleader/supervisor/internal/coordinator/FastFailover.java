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

  /**
   * A restarted process's own step (docs/failover.md scenario 3): when a member znode with this
   * node's name is still held by an old session (its predecessor, killed), and that predecessor is
   * certainly gone, ends its session now instead of waiting out its timeout (no judge may be left to
   * do it: the whole cluster may have been killed). Certainly gone: the process answering
   * {@code IDENTIFY} at its advertised peer address is this very process (it holds that port now),
   * or that address refuses twice. Anything else (another live process with this name answering,
   * silence) is left to the usual wait. Called once the peer port is bound; bounded by a few seconds.
   */
  public static void endDeadPredecessor(CuratorFramework client, ClusterPaths paths, String self, long incarnation,
      byte[] secret, PeerClient peers, String zookeeper) {
    try {
      var registered = Membership.read(client, paths, self);
      if (registered.isEmpty() || registered.get().member().peer() == null) {
        return;
      }
      dev.ringleader.registry.Member old = registered.get().member();
      long session = registered.get().session();
      String why = gone(old.peer(), self, incarnation, peers);
      if (why == null) {
        return;
      }
      var ticket = new SessionTickets(client, paths, self, secret).read(self, session);
      if (ticket.isPresent() && SessionTickets.end(zookeeper, ticket.get(), Duration.ofSeconds(3))
          == SessionTickets.Ended.ENDED) {
        org.slf4j.LoggerFactory.getLogger(FastFailover.class).info("node {}: ended the session 0x{} of its previous "
            + "process (incarnation {}: {}) instead of waiting for it to expire", self, Long.toHexString(session),
            old.startedAt(), why);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(FastFailover.class).debug("no predecessor to end: {}", e.toString());
    }
  }

  /** Why the process that advertised {@code address} is gone, or null when that is not certain. */
  private static String gone(String address, String self, long incarnation, PeerClient peers) throws Exception {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        var r = peers.send(address, dev.ringleader.supervisor.internal.peer.PeerRequest.of(
            dev.ringleader.supervisor.internal.peer.PeerOp.IDENTIFY, null), Duration.ofMillis(500)).get();
        return CrashDetector.identifies(CrashDetector.identity(r), self, incarnation)
            ? "this process answers at its peer address " + address : null;
      } catch (java.util.concurrent.ExecutionException e) {
        if (!CrashDetector.refused(e.getCause())) {
          return null; // silence, or a failed handshake: not certain
        }
      }
      Thread.sleep(50); // the second connect, a little later: the evidence is two refusals in a row
    }
    return "its peer port " + address + " refuses connections";
  }
}
