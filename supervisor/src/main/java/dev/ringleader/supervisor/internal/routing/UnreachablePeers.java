package dev.ringleader.supervisor.internal.routing;

import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nodes that recently did not answer at all. In partition mode available the router serves their
 * IDs with provisional workers here instead of paying a forward timeout on every request; a mark
 * lasts {@code hold}, or until a probe gets an answer. A node is marked only when a forward timed
 * out and a {@code GET /health} probe got no answer either: a node that is alive but slow (say,
 * waiting for an unreachable backup) would still apply the forwarded request, and serving it here
 * too would apply it twice. Thread-safe.
 */
public final class UnreachablePeers {
  static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
  private final Map<String, Long> until = new ConcurrentHashMap<>();
  private final long holdNanos;
  private final PeerClient peers;

  public UnreachablePeers(Duration hold, PeerClient peers) {
    this.holdNanos = hold.toNanos();
    this.peers = peers;
  }

  /**
   * Asks the node's {@code /health} (answered on its IO thread, whatever its workers do); completes
   * with true and clears the mark on any answer, or with false and marks it when none comes in time.
   */
  public CompletableFuture<Boolean> probe(String node, String peer) {
    return peers.send(peer, PeerRequest.of(PeerOp.PROBE, null), PROBE_TIMEOUT).handle((r, e) -> {
      if (e == null) {
        clear(node);
        return true;
      }
      mark(node);
      return false;
    });
  }

  public void mark(String node) {
    until.put(node, System.nanoTime() + holdNanos);
  }

  void clear(String node) {
    until.remove(node);
  }

  boolean contains(String node) {
    Long t = until.get(node);
    if (t == null) {
      return false;
    }
    if (System.nanoTime() - t > 0) {
      until.remove(node, t);
      return false;
    }
    return true;
  }
}
