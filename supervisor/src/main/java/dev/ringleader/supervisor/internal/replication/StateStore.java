package dev.ringleader.supervisor.internal.replication;

import dev.ringleader.worker.WorkerKey;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker states this node keeps, in memory: the last committed state of workers it owns (so
 * state outlives passivation) and the copies it keeps for other owners. A copy only ever replaces an
 * older version; the map is the only lock (per key, inside {@code compute}).
 */
public final class StateStore {
  private final Map<WorkerKey, StoredState> states = new ConcurrentHashMap<>();

  /**
   * Keeps {@code next} unless the kept copy is the same or comes later in {@link StoredState#ORDER}
   * (version, epoch, owner, incarnation); returns what is kept. Arrival order never decides.
   */
  public StoredState offer(WorkerKey key, StoredState next) {
    return states.compute(key, (k, old) -> next.newerThan(old) ? next : old);
  }

  public StoredState get(WorkerKey key) {
    return states.get(key);
  }

  public void remove(WorkerKey key) {
    states.remove(key);
  }

  /**
   * Replaces the key's copy with {@code replacement} only if it is still {@code expected} (the
   * same object): the owner's copy of a change whose commit was refused goes back to the copy it
   * replaced (or none).
   */
  public void replaceIfStill(WorkerKey key, StoredState expected, StoredState replacement) {
    states.computeIfPresent(key, (k, old) -> old == expected ? replacement : old); // null replacement: removed
  }

  /** Removes the key's copy if the given node committed it. */
  public void removeIfOwner(WorkerKey key, String owner) {
    states.computeIfPresent(key, (k, old) -> owner.equals(old.owner()) ? null : old);
  }

  /**
   * Removes the key's copy if it is still at {@code version} (a commit the leave's fence cut off:
   * this node's copy of it, or of its rollback, is not handed over). True when it did.
   */
  public boolean removeIfVersion(WorkerKey key, long version) {
    boolean[] removed = new boolean[1];
    states.computeIfPresent(key, (k, old) -> {
      if (old.version() == version) {
        removed[0] = true;
        return null;
      }
      return old;
    });
    return removed[0];
  }

  /**
   * Removes the key's copy if it is still exactly {@code commit} (see {@link StoredState#sameCommit}):
   * nothing newer arrived meanwhile. True when it did.
   */
  boolean removeIfSame(WorkerKey key, StoredState commit) {
    boolean[] removed = new boolean[1];
    states.computeIfPresent(key, (k, old) -> {
      if (old.sameCommit(commit)) {
        removed[0] = true;
        return null;
      }
      return old;
    });
    return removed[0];
  }

  Set<WorkerKey> keys() {
    return states.keySet();
  }

  int size() {
    return states.size();
  }
}
