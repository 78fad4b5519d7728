package dev.ringleader.supervisor;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nodes that recently did not answer in time. In partition mode available the router serves their
 * IDs with provisional workers here instead of paying a forward timeout on every request; a mark
 * lasts {@code hold}, or until the conflict resolver's probe gets an answer. Thread-safe.
 */
final class UnreachablePeers {
  private final Map<String, Long> until = new ConcurrentHashMap<>();
  private final long holdNanos;

  UnreachablePeers(Duration hold) {
    this.holdNanos = hold.toNanos();
  }

  void mark(String node) {
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
