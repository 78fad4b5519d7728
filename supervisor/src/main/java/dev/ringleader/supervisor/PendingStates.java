package dev.ringleader.supervisor;

import dev.ringleader.worker.WorkerKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last states of this node's detached activations that stopped, with their changes, per key,
 * until the ring owner has merged them (docs/conflict-resolution.md). A key may hold several (one
 * per detached activation); each is removed once merged, or once a later detached activation of
 * the key continues it. Thread-safe; every update is atomic per key. Bounded by the detached
 * activations this node had (each is itself bounded by {@code detached-log-limit}).
 */
final class PendingStates {
  private final Map<WorkerKey, List<PendingState>> states = new ConcurrentHashMap<>();

  void add(WorkerKey key, PendingState state) {
    states.merge(key, List.of(state), PendingStates::concat);
  }

  /** The states waiting for the key, oldest first (possibly none). */
  List<PendingState> get(WorkerKey key) {
    return states.getOrDefault(key, List.of());
  }

  /** Takes every state waiting for the key (to merge them); {@link #add} gives back one that failed. */
  List<PendingState> takeAll(WorkerKey key) {
    List<PendingState> taken = states.remove(key);
    return taken == null ? List.of() : taken;
  }

  /** The owner merged this state: it no longer waits. */
  void remove(WorkerKey key, PendingState state) {
    states.computeIfPresent(key, (k, list) -> {
      List<PendingState> rest = new ArrayList<>(list);
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

  private static List<PendingState> concat(List<PendingState> a, List<PendingState> b) {
    List<PendingState> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
