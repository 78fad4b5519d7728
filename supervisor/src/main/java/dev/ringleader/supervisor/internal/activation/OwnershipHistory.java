package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.worker.WorkerKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this node did with each ID recently: when it activated it (and why: new, kept state after
 * passivation, handoff, failover) and when it stopped it (and why: passivation, handoff, shutdown).
 * Bounded: {@link #PER_ID} entries per ID and {@link #IDS} IDs, the least recently touched forgotten
 * first. Written only on activations and stops, never per message. Guarded by {@code this}.
 */
public final class OwnershipHistory {
  static final int PER_ID = 16;
  static final int IDS = 100_000;

  /** One step in an ID's life on this node. */
  public record Entry(long at, String node, long epoch, String event, String why) {}

  private final String node;
  private final LinkedHashMap<WorkerKey, Deque<Entry>> entries = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<WorkerKey, Deque<Entry>> eldest) {
      return size() > IDS;
    }
  };

  public OwnershipHistory(String node) {
    this.node = node;
  }

  synchronized void add(WorkerKey key, long epoch, String event, String why) {
    Deque<Entry> d = entries.computeIfAbsent(key, k -> new ArrayDeque<>(4));
    if (d.size() == PER_ID) {
      d.removeFirst();
    }
    d.addLast(new Entry(System.currentTimeMillis(), node, epoch, event, why));
  }

  public synchronized List<Entry> of(WorkerKey key) {
    Deque<Entry> d = entries.get(key);
    return d == null ? List.of() : new ArrayList<>(d);
  }
}
