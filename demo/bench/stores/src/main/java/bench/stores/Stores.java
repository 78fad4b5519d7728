package bench.stores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * The two candidate stores behind one interface, each configured for the two durabilities as a
 * Ringleader node needs them: {@code disk} (a put returns once its bytes are in the OS, so a crash of
 * the process loses nothing; the file is synced every 5 ms when written) and {@code disk-fsync} (a
 * put returns once synced). Concurrent puts share commits and syncs where the store allows it.
 */
final class Stores {
  private Stores() {}

  interface Store extends AutoCloseable {
    void put(byte[] key, byte[] value) throws Exception;

    byte[] get(byte[] key) throws Exception;

    /** Reads every entry (key and value); returns how many. */
    long scan() throws Exception;

    /** How long each timed sync of {@code disk} took, nanoseconds (none with fsync). */
    default long[] syncs() {
      return new long[0];
    }

    @Override
    void close() throws Exception;
  }

  static Store open(String kind, Path dir, boolean fsync) throws Exception {
    Files.createDirectories(dir);
    return switch (kind) {
      case "rocksdb" -> new Rocks(dir, fsync);
      case "mvstore" -> new Mv(dir, fsync);
      default -> throw new IllegalArgumentException("unknown store " + kind);
    };
  }

  /** Durations of the timed syncs, nanoseconds (bounded: the first million). */
  static final class SyncTimes {
    private final long[] times = new long[1_000_000];
    private int n;

    synchronized void add(long nanos) {
      if (n < times.length) {
        times[n++] = nanos;
      }
    }

    synchronized long[] sorted() {
      long[] out = java.util.Arrays.copyOf(times, n);
      java.util.Arrays.sort(out);
      return out;
    }
  }

  /** Syncs every 5 ms when something was written (the group commit of durability disk), timing each. */
  private static ScheduledExecutorService syncer(AtomicBoolean dirty, Runnable sync, SyncTimes times) {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sync");
      t.setDaemon(true);
      return t;
    });
    s.scheduleWithFixedDelay(() -> {
      if (dirty.getAndSet(false)) {
        long t0 = System.nanoTime();
        sync.run();
        times.add(System.nanoTime() - t0);
      }
    }, 5, 5, TimeUnit.MILLISECONDS);
    return s;
  }

  /** RocksDB as Ringleader's StateDisk opens it: LZ4, a bloom filter, its write-ahead log. */
  static final class Rocks implements Store {
    static {
      RocksDB.loadLibrary();
    }

    private final Options options;
    private final RocksDB db;
    private final WriteOptions writes;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final ScheduledExecutorService syncer;
    private final SyncTimes times = new SyncTimes();

    Rocks(Path dir, boolean fsync) throws Exception {
      options = new Options().setCreateIfMissing(true).setParanoidChecks(true)
          .setCompressionType(CompressionType.LZ4_COMPRESSION).setKeepLogFileNum(2).setMaxManifestFileSize(8 << 20)
          .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(new BloomFilter(10, false)));
      db = RocksDB.open(options, dir.toString());
      writes = new WriteOptions().setSync(fsync);
      syncer = fsync ? null : syncer(dirty, () -> {
        try {
          db.syncWal();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, times);
    }

    @Override
    public long[] syncs() {
      return times.sorted();
    }

    @Override
    public void put(byte[] key, byte[] value) throws Exception {
      db.put(writes, key, value); // RocksDB groups concurrent writers into one log write (and one fsync)
      dirty.set(true);
    }

    @Override
    public byte[] get(byte[] key) throws Exception {
      return db.get(key);
    }

    @Override
    public long scan() throws Exception {
      long n = 0;
      try (RocksIterator it = db.newIterator()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          n += it.key().length > 0 && it.value().length > 0 ? 1 : 0;
        }
        it.status();
      }
      return n;
    }

    @Override
    public void close() throws Exception {
      if (syncer != null) {
        syncer.shutdownNow();
      }
      db.syncWal();
      db.close();
      writes.close();
      options.close();
    }
  }

  /**
   * H2's MVStore, compressed, auto-commit off: a put is in memory until a commit writes a chunk to
   * the file, so each put commits (a commit covers every put made before it: concurrent puts whose
   * version a commit already wrote return without one of their own), and with fsync also syncs.
   */
  static final class Mv implements Store {
    private final MVStore store;
    private final MVMap<byte[], byte[]> map;
    private final boolean fsync;
    private final Object lock = new Object();
    /** Every change of a version up to this one is written (and synced, with fsync). */
    private long written = -1;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final ScheduledExecutorService syncer;
    private final SyncTimes times = new SyncTimes();

    Mv(Path dir, boolean fsync) {
      store = new MVStore.Builder().fileName(dir.resolve("states.mv").toString()).compress().autoCommitDisabled()
          .open();
      map = store.openMap("states");
      this.fsync = fsync;
      syncer = fsync ? null : syncer(dirty, store::sync, times);
    }

    @Override
    public long[] syncs() {
      return times.sorted();
    }

    @Override
    public void put(byte[] key, byte[] value) {
      map.put(key, value);
      long mine = store.getCurrentVersion();
      synchronized (lock) {
        if (written < mine) {
          long next = store.commit(); // the version after the one just written
          if (fsync) {
            store.sync();
          }
          written = next - 1;
        }
      }
      dirty.set(true);
    }

    @Override
    public byte[] get(byte[] key) {
      return map.get(key);
    }

    @Override
    public long scan() {
      long n = 0;
      for (var e : map.entrySet()) {
        n += e.getKey().length > 0 && e.getValue().length > 0 ? 1 : 0;
      }
      return n;
    }

    @Override
    public void close() {
      if (syncer != null) {
        syncer.shutdownNow();
      }
      store.close();
    }
  }
}
