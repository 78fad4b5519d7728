package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.registry.VersionedRing;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The last rings a node saw, oldest first, for {@code --names ring} (docs/names.md, condition 3):
 * since which epoch a node has owned an ID without a break. A gap in the epochs seen counts as a
 * break (another node may have owned the ID in the ring not seen), and an ID owned through every
 * kept ring counts as owned since the oldest kept: a later epoch than the truth, so a stricter wait.
 *
 * <p>Bounds: at most {@code capacity} rings; the oldest goes. Thread-safe (one lock, held briefly).
 */
final class RingHistory {
  private final int capacity;
  private final ArrayDeque<VersionedRing> rings = new ArrayDeque<>();
  /** The newest epoch kept: a ring already noted returns without the lock (every claim notes its ring). */
  private volatile long newest = Long.MIN_VALUE;

  RingHistory(int capacity) {
    this.capacity = capacity;
  }

  /** Keeps {@code r} if it is newer than every ring kept (an empty ring, before the first, is not kept). */
  void note(VersionedRing r) {
    if (r.ring().isEmpty() || r.epoch() <= newest) {
      return;
    }
    synchronized (this) {
      if (r.epoch() <= newest) {
        return;
      }
      newest = r.epoch();
      rings.addLast(r);
      while (rings.size() > capacity) {
        rings.removeFirst();
      }
    }
  }

  /**
   * The first epoch of the unbroken run of rings, ending at {@code current}, in which {@code node}
   * owns {@code type/id} ({@code current}'s own epoch when the ring before it was not seen or gives
   * the ID to another node). {@code current} must give the ID to {@code node}.
   */
  synchronized long ownedSince(String node, String type, String id, VersionedRing current) {
    long since = current.epoch();
    Iterator<VersionedRing> newestFirst = rings.descendingIterator();
    while (newestFirst.hasNext()) {
      VersionedRing r = newestFirst.next();
      if (r.epoch() >= since) {
        continue; // the current ring itself (or one newer than it, noted meanwhile)
      }
      if (r.epoch() != since - 1 || !node.equals(r.ring().owner(type, id))) {
        break;
      }
      since = r.epoch();
    }
    return since;
  }
}
