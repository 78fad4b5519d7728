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
   * do it: the whole cluster may have been killed). Certainly gone: it advertised the peer address
   * this process now holds, or that address refuses connections twice. Anything else (another live
   * process with the same name, silence) is left to the usual wait.
   */
  public static void endDeadPredecessor(CuratorFramework client, ClusterPaths paths, String self, byte[] secret,
      String ownPeerAddress, String zookeeper) {
    try {
      var registered = Membership.read(client, paths, self);
      if (registered.isEmpty()) {
        return;
      }
      dev.ringleader.registry.Member old = registered.get().member();
      long session = registered.get().session();
      boolean gone = ownPeerAddress.equals(old.peer()) || (refusesTwice(old.peer()));
      if (!gone) {
        return;
      }
      var ticket = new SessionTickets(client, paths, self, secret).read(self, session);
      if (ticket.isPresent() && SessionTickets.end(zookeeper, ticket.get(), Duration.ofSeconds(3))
          == SessionTickets.Ended.ENDED) {
        org.slf4j.LoggerFactory.getLogger(FastFailover.class).info("node {}: ended the session 0x{} of its previous "
            + "process (incarnation {}, gone: {}) instead of waiting for it to expire", self,
            Long.toHexString(session), old.startedAt(), ownPeerAddress.equals(old.peer())
                ? "this process holds its peer address " + ownPeerAddress : "its peer port refuses connections");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(FastFailover.class).debug("no predecessor to end: {}", e.toString());
    }
  }

  private static boolean refusesTwice(String address) throws InterruptedException {
    if (address == null) {
      return false;
    }
    for (int i = 0; i < 2; i++) {
      try (java.net.Socket s = new java.net.Socket()) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        s.connect(new java.net.InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))), 500);
        return false; // something listens there
      } catch (java.net.SocketTimeoutException silent) {
        return false;
      } catch (java.io.IOException refused) {
        if (!(refused instanceof java.net.ConnectException)) {
          return false;
        }
      }
      Thread.sleep(50); // the second connect, a little later: the evidence is two refusals in a row
    }
    return true;
  }
}
