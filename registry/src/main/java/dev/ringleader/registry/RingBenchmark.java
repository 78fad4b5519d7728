package dev.ringleader.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the ring: load balance, movement on one join and one leave, lookup speed and build
 * time. Run {@code java -cp <registry classes + jackson> dev.ringleader.registry.RingBenchmark
 * [--ids 1000000] [--nodes 3,10,100,1000] [--vnodes 1000]}. Prints a markdown table.
 *
 * <p>Nodes are {@code node-1..node-N}, weight 1; IDs are type {@code player}, {@code id-0..}. The
 * join adds {@code node-(N+1)}; the leave removes {@code node-N}. "Moved" is the share of IDs whose
 * owner differs between the two rings; its optimum is the share the joining node should get,
 * {@code 1/(N+1)}, or the leaving node had, {@code 1/N}.
 */
public final class RingBenchmark {
  private RingBenchmark() {}

  public static void main(String[] args) {
    int idCount = 1_000_000;
    int[] sizes = {3, 10, 100, 1000};
    int vnodes = Ring.DEFAULT_VNODES;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      switch (a) {
        case "--ids" -> idCount = Integer.parseInt(args[++i]);
        case "--nodes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        case "--vnodes" -> vnodes = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + a + "; use --ids N, --nodes 3,10,100, --vnodes V");
      }
    }
    String[] ids = new String[idCount];
    long[] hashes = new long[idCount];
    for (int i = 0; i < idCount; i++) {
      ids[i] = "id-" + i;
      hashes[i] = RingHash.hash("player", ids[i]);
    }
    System.out.printf("Ring benchmark: %,d IDs (type player), vnodes %d, Java %s, %d cores%n%n",
        idCount, vnodes, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    System.out.println("| N | vnodes | tokens | max/avg load | moved on join | join / optimum 1/(N+1) "
        + "| moved on leave | leave / optimum 1/N | owner lookups/s | build ms |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    long checksum = 0;
    for (int n : sizes) {
      List<String> names = new ArrayList<>();
      for (int k = 1; k <= n; k++) {
        names.add("node-" + k);
      }
      RingSpec spec = RingSpec.of(1, vnodes, names.toArray(String[]::new));
      Ring ring = Ring.of(spec);
      String[] base = owners(ring, hashes);

      Map<String, Integer> load = new HashMap<>();
      for (String o : base) {
        load.merge(o, 1, Integer::sum);
      }
      int max = load.values().stream().mapToInt(Integer::intValue).max().orElse(0);
      double maxOverAvg = max / ((double) idCount / n);

      Ring joined = Ring.of(spec.with(RingMember.of("node-" + (n + 1))));
      double join = moved(base, owners(joined, hashes)) / (double) idCount;
      String leaveCell = "-";
      String leaveRatio = "-";
      if (n >= 2) {
        Ring left = Ring.of(spec.without("node-" + n));
        double leave = moved(base, owners(left, hashes)) / (double) idCount;
        leaveCell = String.format("%.5f", leave);
        leaveRatio = String.format("%.3f", leave * n);
      }

      long[] lookup = lookupsPerSecond(ring, ids);
      checksum += lookup[1];
      double buildMs = buildMillis(spec);
      System.out.printf("| %d | %d | %,d | %.4f | %.5f | %.3f | %s | %s | %,d | %.1f |%n",
          n, vnodes, ring.tokenCount(), maxOverAvg, join, join * (n + 1), leaveCell, leaveRatio,
          lookup[0], buildMs);
    }
    System.out.printf("%n(checksum %d)%n", checksum);
  }

  private static String[] owners(Ring ring, long[] hashes) {
    String[] out = new String[hashes.length];
    for (int i = 0; i < hashes.length; i++) {
      out[i] = ring.ownerOf(hashes[i]);
    }
    return out;
  }

  private static int moved(String[] before, String[] after) {
    int moved = 0;
    for (int i = 0; i < before.length; i++) {
      if (!before[i].equals(after[i])) {
        moved++;
      }
    }
    return moved;
  }

  /** Best of five timed passes over all IDs after three warm-up passes; [lookups/s, checksum]. */
  private static long[] lookupsPerSecond(Ring ring, String[] ids) {
    long sink = 0;
    for (int w = 0; w < 3; w++) {
      sink += pass(ring, ids);
    }
    long best = Long.MAX_VALUE;
    for (int r = 0; r < 5; r++) {
      long t0 = System.nanoTime();
      sink += pass(ring, ids);
      best = Math.min(best, System.nanoTime() - t0);
    }
    return new long[] {(long) (ids.length * 1e9 / best), sink};
  }

  private static long pass(Ring ring, String[] ids) {
    long acc = 0;
    for (String id : ids) {
      acc += ring.owner("player", id).hashCode();
    }
    return acc;
  }

  /** Median of five builds after two warm-up builds, in milliseconds. */
  private static double buildMillis(RingSpec spec) {
    long sink = 0;
    for (int w = 0; w < 2; w++) {
      sink += Ring.of(spec).tokenCount();
    }
    long[] times = new long[5];
    for (int r = 0; r < times.length; r++) {
      long t0 = System.nanoTime();
      sink += Ring.of(spec).tokenCount();
      times[r] = System.nanoTime() - t0;
    }
    Arrays.sort(times);
    if (sink == 42) {
      System.out.print(""); // keeps the builds observable
    }
    return times[times.length / 2] / 1e6;
  }
}
