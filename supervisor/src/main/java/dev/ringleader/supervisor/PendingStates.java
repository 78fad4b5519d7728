package dev.ringleader.supervisor;

import dev.ringleader.worker.WorkerKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last states of this node's detached activations that stopped, per key, until the ring owner
 * has merged them (docs/conflict-resolution.md). A key may hold several (one per detached
 * activation); each is removed only once merged. Thread-safe; every update is atomic per key.
 */
final class PendingStates {
  private final Map<WorkerKey, List<StoredState>> states = new ConcurrentHashMap<>();

  void add(WorkerKey key, StoredState state) {
    states.merge(key, List.of(state), PendingStates::concat);
  }

  /** The states waiting for the key, oldest first (possibly none). */
  List<StoredState> get(WorkerKey key) {
    return states.getOrDefault(key, List.of());
  }

  /** Takes every state waiting for the key (to merge them); {@link #add} gives back one that failed. */
  List<StoredState> takeAll(WorkerKey key) {
    List<StoredState> taken = states.remove(key);
    return taken == null ? List.of() : taken;
  }

  /** The owner merged this state: it no longer waits. */
  void remove(WorkerKey key, StoredState state) {
    states.computeIfPresent(key, (k, list) -> {
      List<StoredState> rest = new ArrayList<>(list);
      rest.remove(state);
      return rest.isEmpty() ? null : List.copyOf(rest);
    });
  }

  Set<WorkerKey> keys() {
    return states.keySet();
  }

  int count() {
    return states.values().stream().mapToInt(List::size).sum();
  }

  private static List<StoredState> concat(List<StoredState> a, List<StoredState> b) {
    List<StoredState> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
