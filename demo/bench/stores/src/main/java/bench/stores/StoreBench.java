package bench.stores;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Issue 14's choice of store, measured: for RocksDB and H2's MVStore, in durability {@code disk}
 * and {@code disk-fsync}, the writes a node's store makes (a copy of a player's state, ~400 bytes
 * of JSON, per commit; every key written {@code --rounds} times by {@code --threads} writers), the
 * reads an activation makes (a key held, a key not held), the disk used, and the recovery at
 * start-up (open and read every entry). Prints one markdown table.
 *
 * <pre>StoreBench --dir target/data [--keys 100000] [--rounds 2] [--threads 8] [--fsync-seconds 10]</pre>
 */
public final class StoreBench {
  private record Row(String store, String mode, long writes, double seconds, double p50Us, double p99Us,
      double cpuUsPerWrite, double hitUs, double missUs, long diskBytes, double recoveryMs, long recovered,
      long[] syncs) {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(arg(args, "--dir", "target/data"));
    int keys = Integer.parseInt(arg(args, "--keys", "100000"));
    int rounds = Integer.parseInt(arg(args, "--rounds", "2"));
    int threads = Integer.parseInt(arg(args, "--threads", "8"));
    int fsyncSeconds = Integer.parseInt(arg(args, "--fsync-seconds", "10"));
    List<Row> rows = new ArrayList<>();
    for (String store : List.of("rocksdb", "mvstore")) {
      run(store, "warm-up", dir, keys / 5, 1, threads, false, 60); // the JIT, not reported
    }
    for (String mode : List.of("disk", "disk-fsync")) {
      for (String store : List.of("rocksdb", "mvstore")) {
        boolean fsync = mode.equals("disk-fsync");
        rows.add(run(store, mode, dir, keys, rounds, threads, fsync, fsync ? fsyncSeconds : 600));
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%d keys, ~%d-byte values (a player's copy as JSON), %d writer threads, "
        + "each key written up to %d times (disk-fsync: for at most %d s); reads: %d of held keys and %d of keys "
        + "not held, one thread; recovery: open and read every entry%n%n", keys, value(0, 1).length, threads, rounds,
        fsyncSeconds, 20_000, 20_000));
    out.append("| store | durability | writes | writes/s | p50 µs | p99 µs | CPU µs/write | get held µs | get "
        + "absent µs | disk MB | recovery ms (entries) |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        + "| ---: | ---: |\n");
    for (Row r : rows) {
      out.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,.0f | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f | "
          + "%,.0f (%,d) |%n", r.store(), r.mode(), r.writes(), r.writes() / r.seconds(), r.p50Us(), r.p99Us(),
          r.cpuUsPerWrite(), r.hitUs(), r.missUs(), r.diskBytes() / 1048576.0, r.recoveryMs(), r.recovered()));
    }
    out.append("\nThe loss window of `disk` on a power cut: a write acknowledged just after a sync began waits for "
        + "the next one, 5 ms after that sync ended, plus that sync's time. Timed syncs in the writes above:\n\n"
        + "| store | syncs | p50 ms | p99 ms | max ms | window at p99 / max ms |\n| --- | ---: | ---: | ---: | ---: "
        + "| ---: |\n");
    for (Row r : rows) {
      if (r.syncs().length > 0) {
        long[] t = r.syncs();
        out.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %.2f | %.2f | %.1f / %.1f |%n", r.store(), t.length,
            pct(t, 0.5) / 1e6, pct(t, 0.99) / 1e6, t[t.length - 1] / 1e6, 2 * pct(t, 0.99) / 1e6 + 5,
            2 * t[t.length - 1] / 1e6 + 5));
      }
    }
    System.out.print(out);
    Files.writeString(dir.resolveSibling("stores.md"), out);
  }

  private static Row run(String kind, String mode, Path root, int keys, int rounds, int threads, boolean fsync,
      int maxSeconds) throws Exception {
    Path dir = root.resolve(kind + "-" + mode);
    delete(dir);
    System.err.printf(Locale.ROOT, "stores: %s %s: %d keys x %d rounds, %d threads%n", kind, mode, keys, rounds,
        threads);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long written;
    double seconds;
    long[] latencies;
    long[] syncs;
    long cpu;
    double hit;
    double miss;
    try (Stores.Store store = Stores.open(kind, dir, fsync)) {
      AtomicLong count = new AtomicLong();
      long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
      long[][] perThread = new long[threads][];
      List<Thread> writers = new ArrayList<>();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        int me = t;
        perThread[t] = new long[(keys / threads + 1) * rounds];
        Thread writer = new Thread(() -> {
          int n = 0;
          try {
            for (int r = 1; r <= rounds; r++) {
              for (int k = me; k < keys && System.nanoTime() < deadline; k += threads) {
                long s = System.nanoTime();
                store.put(key(k), value(k, r));
                perThread[me][n++] = System.nanoTime() - s;
              }
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          perThread[me] = Arrays.copyOf(perThread[me], n);
          count.addAndGet(n);
        }, "writer-" + t);
        writer.start();
        writers.add(writer);
      }
      for (Thread w : writers) {
        w.join();
      }
      seconds = (System.nanoTime() - t0) / 1e9;
      cpu = os.getProcessCpuTime() - cpu0;
      written = count.get();
      latencies = Arrays.stream(perThread).flatMapToLong(Arrays::stream).sorted().toArray();
      syncs = store.syncs();
      hit = perGetUs(store, keys, true);
      miss = perGetUs(store, keys, false);
    }
    long disk = bytes(dir);
    long r0 = System.nanoTime();
    long recovered;
    try (Stores.Store store = Stores.open(kind, dir, fsync)) {
      recovered = store.scan();
    }
    double recoveryMs = (System.nanoTime() - r0) / 1e6;
    return new Row(kind, mode, written, seconds, pct(latencies, 0.50) / 1e3, pct(latencies, 0.99) / 1e3,
        cpu / 1e3 / Math.max(1, written), hit, miss, disk, recoveryMs, recovered, syncs);
  }

  private static double perGetUs(Stores.Store store, int keys, boolean held) throws Exception {
    Random random = new Random(7);
    int n = 20_000;
    long found = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      int k = random.nextInt(keys);
      found += store.get(held ? key(k) : key(keys + k)) != null ? 1 : 0;
    }
    double us = (System.nanoTime() - t0) / 1e3 / n;
    if (held ? found == 0 : found != 0) {
      throw new IllegalStateException("gets of " + (held ? "held" : "absent") + " keys found " + found);
    }
    return us;
  }

  static byte[] key(int k) {
    return ("player\0p-" + k).getBytes(StandardCharsets.UTF_8);
  }

  /** A player's copy as Ringleader stores it (version, state, four remembered replies, owner, epoch, incarnation). */
  static byte[] value(int k, int version) {
    StringBuilder b = new StringBuilder("{\"version\":").append(version).append(",\"state\":{\"score\":")
        .append(version).append(",\"counter\":{\"p\":{\"node1/mx5k").append(k % 97).append("\":").append(version)
        .append("},\"n\":{}}},\"recentReplies\":{");
    for (int i = 0; i < 4; i++) {
      b.append(i == 0 ? "" : ",").append("\"").append(Integer.toHexString(k * 31 + i)).append("-")
          .append(Long.toHexString((long) k * 1_000_003L + version * 7919L + i)).append("-4b1e-9c2a-")
          .append(String.format(Locale.ROOT, "%012x", (long) k * 65_537L + i)).append("\":{\"score\":")
          .append(version - i).append("}");
    }
    return b.append("},\"owner\":\"node1\",\"epoch\":7,\"incarnation\":").append(1_000 + k % 13).append("}")
        .toString().getBytes(StandardCharsets.UTF_8);
  }

  private static double pct(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  private static long bytes(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void delete(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }

  private static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
