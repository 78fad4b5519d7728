package dev.ringleader.supervisor.internal.activation;

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
 * the key continues it. Thread-safe; every update is atomic per key. Each state holds at most
 * {@code detached-log-limit} changes; how many states wait is not bounded here (one per detached
 * activation that stopped since the split began), a limit noted in the README.
 */
final class PendingStates {
  private final Map<WorkerKey, List<PendingState>> states = new ConcurrentHashMap<>();
  /**
   * States the resolver has sent at least once: their merge may have been applied (its answer
   * lost), so no later detached activation may continue them (it would replay their changes under
   * a new merge key). A subset of {@link #states}.
   */
  private final java.util.Set<PendingState> sent = ConcurrentHashMap.newKeySet();

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

  /** The resolver is about to send this state to the owner. */
  void markSent(PendingState state) {
    sent.add(state);
  }

  /** True when the resolver sent the state at least once (its merge may have been applied). */
  boolean wasSent(PendingState state) {
    return sent.contains(state);
  }

  /** The owner merged this state (or a later activation continues it): it no longer waits. */
  void remove(WorkerKey key, PendingState state) {
    sent.remove(state);
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
