package dev.ringleader.supervisor.internal.replication;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ringleader.worker.WorkerKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The worker states this node keeps: the last committed state of workers it owns (so state
 * outlives passivation) and the copies it keeps for other owners. A copy only ever replaces an
 * older version; the map is the only lock (per key, inside {@code compute}).
 *
 * <p>Where they live. With durability {@code memory} all of them are in the heap. With a {@link
 * StateDisk} ({@code disk}, {@code disk-fsync}) the disk holds all of them and the heap only a
 * bounded cache of the recently and often used ones ({@code state-cache} entries, Caffeine's
 * W-TinyLFU; docs/durability.md): a key the cache lacks is read from disk inside its own {@code compute},
 * so every change is still made under the key's lock against its current copy. Every change is
 * written through to disk inside that lock, before it is visible or acknowledged; a write that fails
 * leaves the copy unchanged and fails the caller.
 *
 * <p>A commit of this node's own worker is kept here before its backups hold it (a local restart
 * starts from it), but until they do, other nodes are shown the copy it replaced ({@link #held}):
 * a refused commit is rolled back, and a {@code FETCH} or a rebalance batch that carried it to
 * another node would make a change its client was told failed live on there (docs/replication.md
 * scenario 2e). It goes to disk only once held ({@link #commitHeld}): a restarted node never
 * recovers a commit that was not acknowledged. {@code pending} holds one entry per commit being
 * copied, at most one per live activation (a worker commits one change at a time), so it is bounded
 * by the activations; while a key has one, that commit is the key's copy (the cache may have let go
 * of it, the disk does not have it), and any other change of the key clears the mark.
 */
public final class StateStore {
  /** The default of {@code state-cache}: copies kept in the heap in front of the disk. */
  public static final int DEFAULT_CACHE = 10_000;

  /** With {@code memory}: every copy. With a disk: the bounded cache. */
  private final ConcurrentMap<WorkerKey, StoredState> states;
  /** Null with durability {@code memory}. */
  private final StateDisk disk;
  /** Per key, this node's own commit being copied to its backups, and the copy it replaced (as shown to others). */
  private final Map<WorkerKey, Pending> pending = new ConcurrentHashMap<>();

  private record Pending(StoredState commit, StoredState before) {}

  /** A store in memory only. */
  public StateStore() {
    this(null, 0);
  }

  /** A store that keeps every copy on {@code disk} (null: in memory only) and at most {@code cache} of them in the heap. */
  public StateStore(StateDisk disk, int cache) {
    this.disk = disk;
    this.states = disk == null ? new ConcurrentHashMap<>()
        : Caffeine.newBuilder().maximumSize(cache).executor(Runnable::run).<WorkerKey, StoredState>build().asMap();
  }

  /** The key's copy when the map has none: its pending own commit, else the disk's (none in memory). */
  private StoredState load(WorkerKey key) {
    if (disk == null) {
      return null;
    }
    Pending p = pending.get(key);
    return p != null ? p.commit() : disk.read(key);
  }

  /** Inside the key's compute: the key's current copy, given what the map holds. */
  private StoredState current(WorkerKey key, StoredState cached) {
    return cached != null ? cached : load(key);
  }

  /** The key's new copy {@code next} (null: none), written to disk first when it changed. */
  private StoredState kept(WorkerKey key, StoredState old, StoredState next) {
    if (next != old) {
      if (disk != null) {
        disk.write(key, next);
      }
      pending.computeIfPresent(key, (k, p) -> p.commit() == next ? p : null);
    }
    return next;
  }

  /**
   * Keeps {@code next} unless the kept copy is the same or comes later in {@link StoredState#ORDER}
   * (version, epoch, owner, incarnation); returns what is kept. Arrival order never decides.
   */
  public StoredState offer(WorkerKey key, StoredState next) {
    return states.compute(key, (k, c) -> {
      StoredState old = current(k, c);
      return kept(k, old, next.newerThan(old) ? next : old);
    });
  }

  /** The key's copy (this node's own commit still being copied included); read from disk into the cache on a miss. */
  public StoredState get(WorkerKey key) {
    StoredState s = states.get(key);
    return s != null || disk == null ? s : states.computeIfAbsent(key, this::load);
  }

  /**
   * The key's copy as other nodes may see it: {@link #get}, except that this node's own commit still
   * being copied shows as the copy it replaced (null when there was none). Read under the key's lock,
   * as the pending mark is set and cleared, so the copy and its mark are seen together. A key neither
   * cached nor pending is read from disk without entering the cache: what the disk has is held.
   */
  public StoredState held(WorkerKey key) {
    if (disk != null && !states.containsKey(key) && !pending.containsKey(key)) {
      return disk.read(key);
    }
    StoredState[] shown = new StoredState[1];
    states.compute(key, (k, c) -> {
      StoredState s = current(k, c);
      Pending p = pending.get(k);
      shown[0] = p != null && p.commit() == s ? p.before() : s;
      return s;
    });
    return shown[0];
  }

  /**
   * Keeps this node's own commit {@code next} as not yet held by its backups: {@link #held} shows the
   * copy it replaced (as other nodes saw it) until {@link #commitHeld} or {@link #commitRefused}.
   * Kept and marked in one step under the key's lock, against the key's copy at that moment (not one
   * the caller read before: a newer copy may have arrived since).
   */
  public void offerOwn(WorkerKey key, StoredState next) {
    states.compute(key, (k, c) -> {
      StoredState old = current(k, c);
      if (!next.newerThan(old)) {
        return old;
      }
      Pending prior = pending.get(k);
      pending.put(k, new Pending(next, prior != null && prior.commit() == old ? prior.before() : old));
      return next; // the heap only: on disk, an own commit is written once it is held (commitHeld)
    });
  }

  /**
   * The backups hold this node's commit {@code commit}: other nodes may now see it, and it is written
   * to disk (before the client's acknowledgement). A disk write that fails leaves it pending and fails
   * the caller, who then refuses the commit ({@link #commitRefused}).
   */
  public void commitHeld(WorkerKey key, StoredState commit) {
    states.compute(key, (k, c) -> {
      StoredState s = current(k, c);
      if (s == commit && disk != null) {
        disk.write(k, commit);
      }
      pending.computeIfPresent(k, (kk, p) -> p.commit() == commit ? null : p);
      return s;
    });
  }

  /**
   * This node's commit {@code commit} was refused: its copy goes back to the one the commit replaced
   * (unless a newer copy arrived meanwhile) and it is no longer pending, in one step under the key's
   * lock. The disk never had it (see {@link #offerOwn}) and holds the copy it replaced, so only the
   * heap changes.
   */
  public void commitRefused(WorkerKey key, StoredState commit) {
    states.compute(key, (k, c) -> {
      StoredState old = current(k, c);
      Pending p = pending.get(k);
      if (p == null || p.commit() != commit) {
        return old; // held meanwhile, or replaced by a newer copy (which cleared the mark)
      }
      pending.remove(k);
      return old == commit ? p.before() : old;
    });
  }

  public void remove(WorkerKey key) {
    states.compute(key, (k, c) -> kept(k, current(k, c), null));
  }

  /** Removes the key's copy if the given node committed it. */
  public void removeIfOwner(WorkerKey key, String owner) {
    states.compute(key, (k, c) -> {
      StoredState old = current(k, c);
      return kept(k, old, old != null && owner.equals(old.owner()) ? null : old);
    });
  }

  /**
   * Removes the key's copy if it is still at {@code version} (a commit the leave's fence cut off:
   * this node's copy of it, or of its rollback, is not handed over). True when it did.
   */
  public boolean removeIfVersion(WorkerKey key, long version) {
    boolean[] removed = new boolean[1];
    states.compute(key, (k, c) -> {
      StoredState old = current(k, c);
      if (old != null && old.version() == version) {
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
    states.compute(key, (k, c) -> {
      StoredState old = current(k, c);
      if (old != null && old.sameCommit(commit)) {
        removed[0] = true;
        return kept(k, old, null);
      }
      return old;
    });
    return removed[0];
  }

  /** How many copies the heap holds: all of them in memory, the cached ones with a disk. */
  public int inHeap() {
    return states.size();
  }

  /**
   * A walk over every copy this node holds, as other nodes may see them ({@link #held}), a chunk at a
   * time, for re-replication. With a disk, each chunk is read from disk (nothing else is kept
   * meanwhile, so the walk's memory is one chunk); in memory, the keys are listed when it starts.
   */
  Walk walk() {
    return disk != null ? new DiskWalk() : new HeapWalk(new ArrayList<>(states.keySet()).iterator());
  }

  /** Copies in chunks; an empty chunk ends the walk. */
  interface Walk {
    List<Map.Entry<WorkerKey, StoredState>> next(int max);
  }

  private final class HeapWalk implements Walk {
    private final Iterator<WorkerKey> keys;

    HeapWalk(Iterator<WorkerKey> keys) {
      this.keys = keys;
    }

    @Override
    public List<Map.Entry<WorkerKey, StoredState>> next(int max) {
      List<Map.Entry<WorkerKey, StoredState>> out = new ArrayList<>();
      while (keys.hasNext() && out.size() < max) {
        WorkerKey key = keys.next();
        StoredState s = held(key); // never an own commit still being copied
        if (s != null) {
          out.add(Map.entry(key, s));
        }
      }
      return out;
    }
  }

  /** The disk holds no own commit still being copied (see {@link #offerOwn}): what it has is held. */
  private final class DiskWalk implements Walk {
    private WorkerKey last;

    @Override
    public List<Map.Entry<WorkerKey, StoredState>> next(int max) {
      List<Map.Entry<WorkerKey, StoredState>> out = disk.after(last, max);
      if (!out.isEmpty()) {
        last = out.get(out.size() - 1).getKey();
      }
      return out;
    }
  }
}
