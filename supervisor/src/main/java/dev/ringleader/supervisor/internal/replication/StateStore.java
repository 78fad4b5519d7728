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
 * scenario 2e). {@code pending} holds one entry per commit being copied: at most one per live
 * activation (a worker commits one change at a time), so it is bounded by the activations.
 *
 * <p>With a {@link StateDisk} (durability {@code disk} or {@code disk-fsync}) every change of a key's
 * copy is written through to disk inside that key's lock, before the change is visible or
 * acknowledged; a write that fails leaves the copy unchanged and fails the caller. This node's own
 * commit goes to disk only once its backups hold it ({@link #commitHeld}): a restarted node never
 * recovers a commit that was not acknowledged, and a refused one never touched the disk.
 */
public final class StateStore {
  private final Map<WorkerKey, StoredState> states = new ConcurrentHashMap<>();
  /** Null with durability {@code memory}. */
  private final StateDisk disk;

  /** A store in memory only. */
  public StateStore() {
    this(null);
  }

  /** A store that writes through to {@code disk} (null: memory only) and starts with what it holds. */
  public StateStore(StateDisk disk) {
    this.disk = disk;
    if (disk != null) {
      disk.forEach(states::put);
    }
  }

  /** The key's new copy {@code next} (null: none), written to disk first when it changed. */
  private StoredState kept(WorkerKey key, StoredState old, StoredState next) {
    if (disk != null && next != old) {
      disk.write(key, next);
    }
    return next;
  }
  /** Per key, this node's own commit being copied to its backups, and the copy it replaced. */
  private final Map<WorkerKey, Pending> pending = new ConcurrentHashMap<>();

  private record Pending(StoredState commit, StoredState before) {}

  /**
   * Keeps {@code next} unless the kept copy is the same or comes later in {@link StoredState#ORDER}
   * (version, epoch, owner, incarnation); returns what is kept. Arrival order never decides.
   */
  public StoredState offer(WorkerKey key, StoredState next) {
    return states.compute(key, (k, old) -> kept(k, old, next.newerThan(old) ? next : old));
  }

  public StoredState get(WorkerKey key) {
    return states.get(key);
  }

  /**
   * The key's copy as other nodes may see it: {@link #get}, except that this node's own commit still
   * being copied shows as the copy it replaced (null when there was none). Read under the key's lock,
   * as the pending mark is set and cleared, so the copy and its mark are seen together.
   */
  public StoredState held(WorkerKey key) {
    StoredState[] shown = new StoredState[1];
    states.computeIfPresent(key, (k, s) -> {
      Pending p = pending.get(k);
      shown[0] = p != null && p.commit() == s ? p.before() : s;
      return s;
    });
    return shown[0];
  }

  /**
   * Keeps this node's own commit {@code next} (replacing {@code before}, this node's copy when the
   * commit began) as not yet held by its backups: {@link #held} shows {@code before} until
   * {@link #commitHeld} or {@link #commitRefused}. Kept and marked in one step under the key's lock.
   */
  public void offerOwn(WorkerKey key, StoredState next, StoredState before) {
    states.compute(key, (k, old) -> {
      if (!next.newerThan(old)) {
        return old;
      }
      pending.put(k, new Pending(next, before));
      return next; // the heap only: on disk, an own commit is written once it is held (commitHeld)
    });
  }

  /**
   * The backups hold this node's commit {@code commit}: other nodes may now see it, and it is written
   * to disk (before the client's acknowledgement). A disk write that fails leaves it pending and fails
   * the caller, who then refuses the commit ({@link #commitRefused}).
   */
  public void commitHeld(WorkerKey key, StoredState commit) {
    states.compute(key, (k, s) -> {
      if (s == commit && disk != null) {
        disk.write(k, commit);
      }
      pending.computeIfPresent(k, (kk, p) -> p.commit() == commit ? null : p);
      return s;
    });
  }

  /**
   * This node's commit {@code commit} was refused: its copy goes back to {@code before} (unless a
   * newer copy arrived meanwhile) and it is no longer pending, in one step under the key's lock. The
   * disk never had it (see {@link #offerOwn}), so only the heap changes.
   */
  public void commitRefused(WorkerKey key, StoredState commit, StoredState before) {
    states.compute(key, (k, old) -> {
      pending.computeIfPresent(k, (kk, p) -> p.commit() == commit ? null : p);
      return old == commit ? before : old;
    });
  }

  public void remove(WorkerKey key) {
    states.computeIfPresent(key, (k, old) -> kept(k, old, null));
  }

  /** Removes the key's copy if the given node committed it. */
  public void removeIfOwner(WorkerKey key, String owner) {
    states.computeIfPresent(key, (k, old) -> kept(k, old, owner.equals(old.owner()) ? null : old));
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
        return kept(k, old, null);
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
        return kept(k, old, null);
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
