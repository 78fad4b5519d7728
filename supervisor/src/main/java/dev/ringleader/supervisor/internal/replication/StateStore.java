package dev.ringleader.supervisor.internal.replication;

import dev.ringleader.worker.WorkerKey;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker states this node keeps, in memory: the last committed state of workers it owns (so
 * state outlives passivation) and the copies it keeps for other owners. A copy only ever replaces an
 * older version; the map is the only lock (per key, inside {@code compute}).
 *
 * <p>A commit of this node's own worker is kept here before its backups hold it (a local restart
 * starts from it), but until they do, other nodes are shown the copy it replaced ({@link #held}):
 * a refused commit is rolled back, and a {@code FETCH} or a rebalance batch that carried it to
 * another node would make a change its client was told failed live on there (docs/replication.md
 * scenario 2c). {@code pending} holds one entry per commit being copied: at most one per live
 * activation (a worker commits one change at a time), so it is bounded by the activations.
 */
public final class StateStore {
  private final Map<WorkerKey, StoredState> states = new ConcurrentHashMap<>();
  /** Per key, this node's own commit being copied to its backups, and the copy it replaced. */
  private final Map<WorkerKey, Pending> pending = new ConcurrentHashMap<>();

  private record Pending(StoredState commit, StoredState before) {}

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

  /**
   * The key's copy as other nodes may see it: {@link #get}, except that this node's own commit still
   * being copied shows as the copy it replaced (null when there was none).
   */
  public StoredState held(WorkerKey key) {
    StoredState s = states.get(key);
    Pending p = pending.get(key);
    return p != null && p.commit() == s ? p.before() : s;
  }

  /**
   * Keeps this node's own commit {@code next} (replacing {@code before}, this node's copy when the
   * commit began) as not yet held by its backups: {@link #held} shows {@code before} until
   * {@link #commitHeld} or {@link #commitRefused}. Marked pending before it is kept, so no reader
   * sees it unmarked.
   */
  public void offerOwn(WorkerKey key, StoredState next, StoredState before) {
    pending.put(key, new Pending(next, before));
    offer(key, next);
  }

  /** The backups hold this node's commit {@code commit}: other nodes may now see it. */
  public void commitHeld(WorkerKey key, StoredState commit) {
    pending.computeIfPresent(key, (k, p) -> p.commit() == commit ? null : p);
  }

  /**
   * This node's commit {@code commit} was refused: its copy goes back to {@code before} (unless a
   * newer copy arrived meanwhile), then it is no longer pending.
   */
  public void commitRefused(WorkerKey key, StoredState commit, StoredState before) {
    replaceIfStill(key, commit, before);
    commitHeld(key, commit);
  }

  public void remove(WorkerKey key) {
    states.remove(key);
  }

  /**
   * Replaces the key's copy with {@code replacement} only if it is still {@code expected} (the
   * same object): the owner's copy of a change whose commit was refused goes back to the copy it
   * replaced (or none).
   */
  private void replaceIfStill(WorkerKey key, StoredState expected, StoredState replacement) {
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
