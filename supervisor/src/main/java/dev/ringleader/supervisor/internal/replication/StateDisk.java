package dev.ringleader.supervisor.internal.replication;

import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.worker.WorkerKey;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's on-disk copy of its {@link StateStore} (docs/durability.md): a RocksDB database under
 * {@code data-dir/states}, one entry per worker key ({@code type NUL id} to the copy's JSON, the
 * same bytes a {@code COPY} carries). {@link StateStore} writes through to it inside its per-key
 * lock, so the disk holds every copy the node holds (its heap only a bounded cache of them), changed in
 * the same order as the cache.
 *
 * <p>{@code sync}: every write waits for the log's fsync ({@code disk-fsync}; RocksDB groups
 * concurrent writers into one). Otherwise a write returns once RocksDB's log has it in the OS (it
 * survives a crash of this process) and a timer syncs the log every {@link #SYNC_MILLIS} ms when
 * something was written ({@code disk}: a power loss loses at most that window). Life cycle: {@link
 * #open} → {@link #close}; not usable after close.
 */
public final class StateDisk implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(StateDisk.class);
  /** The group commit of {@code disk}: how often the log is synced when it was written to. */
  public static final long SYNC_MILLIS = 5;

  static {
    RocksDB.loadLibrary();
  }

  /** The store cannot be opened: its files are corrupt, or another process holds them. */
  public static final class UnusableException extends Exception {
    UnusableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Path dir;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions writes;
  private final ScheduledExecutorService syncer;
  private final AtomicBoolean dirty = new AtomicBoolean();
  /** Writers share it; {@link #close} takes it alone: RocksDB must never be used once closed (JNI). */
  private final java.util.concurrent.locks.ReentrantReadWriteLock gate = new java.util.concurrent.locks.ReentrantReadWriteLock();
  private boolean closed;

  private StateDisk(Path dir, Options options, RocksDB db, boolean sync) {
    this.dir = dir;
    this.options = options;
    this.db = db;
    this.writes = new WriteOptions().setSync(sync);
    if (sync) {
      this.syncer = null;
    } else {
      this.syncer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "state-disk-sync");
        t.setDaemon(true);
        return t;
      });
      syncer.scheduleWithFixedDelay(this::syncIfDirty, SYNC_MILLIS, SYNC_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Opens (or creates) the store under {@code dataDir}. With {@code discardCorrupt}, a store whose
   * files are corrupt is moved aside ({@code states.corrupt-<millis>}) and a new, empty one made:
   * the node then gets its share from its peers.
   *
   * @throws UnusableException naming the directory and RocksDB's reason when it cannot be opened
   */
  public static StateDisk open(Path dataDir, boolean sync, boolean discardCorrupt) throws UnusableException {
    Path dir = dataDir.resolve("states");
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new UnusableException("cannot create the state store directory " + dir + ": " + e, e);
    }
    // A bloom filter per table: most reads at an activation ask for a key this node does not hold.
    Options options = new Options().setCreateIfMissing(true).setParanoidChecks(true)
        .setCompressionType(CompressionType.LZ4_COMPRESSION).setKeepLogFileNum(2).setMaxManifestFileSize(8 << 20)
        .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(new BloomFilter(10, false)));
    RocksDB db = null;
    try {
      db = RocksDB.open(options, dir.toString());
      long held = verify(db); // a corrupt block stops start-up here
      log.info("the state store {} holds {} copies", dir, held);
      return new StateDisk(dir, options, db, sync); // starts the sync timer: only once all was read
    } catch (RocksDBException e) {
      if (db != null) {
        db.close();
      }
      Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
      boolean corrupt = code == Status.Code.Corruption;
      if (corrupt && discardCorrupt) {
        options.close();
        Path aside = dataDir.resolve("states.corrupt-" + System.currentTimeMillis());
        try {
          Files.move(dir, aside);
          log.warn("the state store {} is corrupt ({}); moved to {}, starting empty: the node gets its share "
              + "from its peers", dir, e.getMessage(), aside);
          return open(dataDir, sync, false);
        } catch (java.io.IOException move) {
          throw new UnusableException("the state store " + dir + " is corrupt and cannot be moved aside: " + move, e);
        }
      }
      options.close();
      throw new UnusableException("cannot open the state store " + dir + ": " + e.getMessage()
          + (corrupt ? " (setting --store-corrupt=discard starts with an empty store; the node then gets its share "
              + "from its peers)" : ""), e);
    }
  }

  /** Writes the key's copy (or its removal, {@code s == null}); on the caller's per-key lock. */
  void write(WorkerKey key, StoredState s) {
    gate.readLock().lock();
    try {
      requireOpen(key + " was not kept");
      if (s == null) {
        db.delete(writes, key(key));
      } else {
        db.put(writes, key(key), Json.bytes(s));
      }
      dirty.set(true);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot write " + key + " to the state store " + dir + ": " + e.getMessage(), e);
    } finally {
      gate.readLock().unlock();
    }
  }

  /**
   * Reads every entry once at open, checksums verified, so that a corrupt block stops start-up then
   * rather than failing an activation later; keeps nothing. Returns how many entries there are.
   */
  private static long verify(RocksDB db) throws RocksDBException {
    long n = 0;
    try (ReadOptions once = new ReadOptions().setVerifyChecksums(true).setFillCache(false);
        RocksIterator it = db.newIterator(once)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        n++;
      }
      it.status(); // the scan ended at the end, not at a corrupt block: throws otherwise
    }
    return n;
  }

  /** The key's copy on disk, or null (none, or an entry that does not read as a copy: logged). */
  StoredState read(WorkerKey key) {
    gate.readLock().lock();
    try {
      requireOpen(key + " was not read");
      byte[] raw = db.get(key(key));
      return raw == null ? null : parsed(key, raw);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read " + key + " from the state store " + dir + ": " + e.getMessage(), e);
    } finally {
      gate.readLock().unlock();
    }
  }

  /**
   * Up to {@code max} copies in key order, starting after {@code after} (null: from the first).
   * Each call reads on its own (no iterator outlives it): keys written meanwhile may or may not be
   * seen, which suits its one user, a re-replication walk (a new copy is copied by its commit).
   */
  List<Map.Entry<WorkerKey, StoredState>> after(WorkerKey after, int max) {
    List<Map.Entry<WorkerKey, StoredState>> out = new ArrayList<>();
    gate.readLock().lock();
    try {
      requireOpen("the walk stops");
      try (ReadOptions walk = new ReadOptions().setFillCache(false); RocksIterator it = db.newIterator(walk)) {
        if (after == null) {
          it.seekToFirst();
        } else {
          byte[] from = key(after);
          it.seek(from);
          if (it.isValid() && java.util.Arrays.equals(it.key(), from)) {
            it.next();
          }
        }
        for (; it.isValid() && out.size() < max; it.next()) {
          WorkerKey key = key(it.key());
          StoredState s = key == null ? null : parsed(key, it.value());
          if (s != null) {
            out.add(Map.entry(key, s));
          }
        }
        it.status();
      }
      return out;
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read the state store " + dir + ": " + e.getMessage(), e);
    } finally {
      gate.readLock().unlock();
    }
  }

  private StoredState parsed(WorkerKey key, byte[] raw) {
    StoredState s = StoredState.read(raw);
    if (s == null) {
      log.warn("the state store {} holds an unreadable entry for {}; treated as none", dir, key);
    }
    return s;
  }

  /** Under the gate, before any native call (RocksDB must never be used once closed): fails when closed. */
  private void requireOpen(String what) {
    if (closed) {
      throw new IllegalStateException("the state store " + dir + " is closed (the node is stopping); " + what);
    }
  }

  private void syncIfDirty() {
    gate.readLock().lock();
    try {
      if (!closed && dirty.getAndSet(false)) {
        db.syncWal();
      }
    } catch (RocksDBException e) {
      dirty.set(true); // not synced: try again on the next tick
      log.warn("cannot sync the state store log {}: {}", dir, e.getMessage());
    } finally {
      gate.readLock().unlock();
    }
  }

  private static byte[] key(WorkerKey k) {
    return (k.type() + '\0' + k.id()).getBytes(StandardCharsets.UTF_8);
  }

  private static WorkerKey key(byte[] raw) {
    String s = new String(raw, StandardCharsets.UTF_8);
    int nul = s.indexOf('\0');
    return nul <= 0 ? null : new WorkerKey(s.substring(0, nul), s.substring(nul + 1));
  }

  @Override
  public void close() {
    gate.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (syncer != null) {
        syncer.shutdownNow();
      }
      try {
        db.syncWal();
      } catch (RocksDBException e) {
        log.warn("cannot sync the state store log {} at close: {}", dir, e.getMessage());
      }
      db.close();
      writes.close();
      options.close();
    } finally {
      gate.writeLock().unlock();
    }
  }
}
