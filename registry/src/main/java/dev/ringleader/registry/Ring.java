package dev.ringleader.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The consistent-hash ring: an immutable, pure function of a {@link RingSpec}, so every node that
 * reads the same {@code ring} znode computes the same owners.
 *
 * <p>Member {@code m} gets {@code spec.vnodes() * m.weight()} tokens {@link RingHash#token(String,
 * int) RingHash.token(m.node(), i)}. Positions are unsigned 64-bit values. The owner of worker
 * {@code type/id} is the member of the first token at or after {@link RingHash#hash(String,
 * String) RingHash.hash(type, id)}, wrapping past the top. Two equal tokens (of different members,
 * odds about {@code tokens^2 / 2^65}) are ordered by node name, so the member whose name sorts first
 * wins the position and the other token owns nothing; either way every node decides the same.
 *
 * <p>Layout: one sorted {@code long[]} of tokens and a parallel {@code int[]} of member indexes
 * (12 bytes per token), plus a table from the top bits of a position to the first token with
 * those bits (up to 4 MB), so a lookup binary-searches only about four tokens. A 1000-node ring
 * with the default vnodes is two million tokens: 24 MB, built in about a quarter of a second.
 * {@link #owner} does not allocate.
 *
 * <h2>Choosing {@link #DEFAULT_VNODES}</h2>
 *
 * <p>With hashed token positions a member's share of the ring is a sum of {@code V} random gaps
 * (V = vnodes x weight), so its relative standard deviation is about {@code 1/sqrt(V)}; 1,000,000
 * IDs over 100 nodes add ~1% of sampling noise, and the largest of 100 shares sits ~2.5-3
 * deviations above the mean (the gap sums are skewed to the right). The goal max/avg <= 1.10 at
 * N <= 100 therefore needs V near 1000 on paper; we measured which V meets it for more than the
 * one lucky set of names, with 1,000,000 IDs and 40 different node-name sets at N = 100:
 *
 * <pre>
 *   V     median max/avg   worst max/avg   sets over 1.10   worst |moved/optimum - 1| join, leave
 *   256   1.162            1.234           20 of 20         0.14, 0.12
 *   500   1.115            1.149           14 of 20         0.08, 0.09
 *   1000  1.081            1.121            3 of 20         0.07, 0.08
 *   1200  1.078            1.116            3 of 40         0.06, 0.07
 *   1500  1.070            1.111            1 of 40         0.05, 0.08
 *   2000  1.063            1.088            0 of 40         0.06, 0.07
 * </pre>
 *
 * <p>At N = 10, V = 2000 gave max/avg of at most 1.056 over 40 name sets. So the default is 2000:
 * the smallest V we tried that met the goal for every name set. Only the joining or leaving
 * node's own tokens move IDs, so movement equals that node's share, within ~{@code 1/sqrt(V)} of
 * the optimum {@code 1/(N+1)} or {@code 1/N}. {@link RingBenchmark} prints the rest (N = 1000:
 * 2M tokens, 24 MB, ~0.25 s to build, ~3M lookups/s because the arrays no longer fit in cache;
 * N <= 100: under 5 ms to build, over 13M lookups/s).
 *
 * <p>What we did not do, and why. Fewer vnodes with a smarter placement needs either history (a
 * Cassandra-style allocator that places a joining node's tokens against the existing ones depends
 * on the order nodes joined, so it cannot be recomputed from the znode's member list alone) or a
 * different lookup (multi-probe hashing or bounded-load hashing give max/avg near 1.05 with one
 * token per node, but the owner is then no longer "the first token clockwise", bounded loads need
 * the live load of every node, and preference lists lose their simple clockwise meaning). Any
 * stateless placement that hashes token positions independently keeps the {@code 1/sqrt(V)} law,
 * so more vnodes is the honest lever. Its cost is memory (12 bytes per token) and build time, both
 * linear in {@code N * V}; lookups stay O(1) thanks to the top-bits table.
 */
public final class Ring {
  /**
   * Tokens per unit of weight when the settings do not say: 2000, the smallest count that kept
   * max/avg load <= 1.10 at 100 nodes for every set of node names we measured (class javadoc).
   */
  public static final int DEFAULT_VNODES = 2000;

  /** The largest ring we build: 16M tokens is 200 MB, far past any sane cluster. */
  static final int MAX_TOKENS = 1 << 24;

  private static final Ring EMPTY = new Ring(new RingSpec(0, DEFAULT_VNODES, List.of()));

  /** The spec the ring was computed from. */
  private final RingSpec spec;
  /** Member names in spec order (sorted by name); the index is what {@link #owners} holds. */
  private final String[] names;
  /** Member name to its index in {@link #names}. */
  private final Map<String, Integer> indexOf;
  /** Token positions XOR {@link Long#MIN_VALUE}, so signed order is the unsigned ring order. */
  private final long[] keys;
  /** owners[i] is the member index of keys[i]. */
  private final int[] owners;
  /** starts[b] is the first token whose position's top bits are at least b; length 2^bits + 1. */
  private final int[] starts;
  /** 64 minus the number of top bits {@link #starts} is indexed by. */
  private final int shift;
  /** Each member's fraction of the 2^64 positions, by member index. */
  private final double[] shares;
  private final Set<String> nodes;

  private Ring(RingSpec spec) {
    this.spec = spec;
    List<RingMember> members = spec.members();
    int m = members.size();
    names = new String[m];
    Map<String, Integer> index = new HashMap<>(m * 2);
    long total = 0;
    for (int i = 0; i < m; i++) {
      names[i] = members.get(i).node();
      index.put(names[i], i);
      total += (long) spec.vnodes() * members.get(i).weight();
    }
    if (total > MAX_TOKENS) {
      throw new IllegalArgumentException("vnodes x weights must be <= " + MAX_TOKENS
          + " tokens in all, was " + total + " (vnodes " + spec.vnodes() + ", " + m + " members)");
    }
    indexOf = Map.copyOf(index);
    nodes = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
    int n = (int) total;
    long[] tokens = new long[n];
    int[] owner = new int[n];
    int t = 0;
    for (int i = 0; i < m; i++) {
      long seed = RingHash.nodeSeed(names[i]);
      int count = spec.vnodes() * members.get(i).weight();
      for (int v = 0; v < count; v++) {
        tokens[t] = RingHash.token(seed, v);
        owner[t] = i;
        t++;
      }
    }
    sortUnsigned(tokens, owner);
    // Top-bits table: about four tokens per slot, between 2 and 2^20 slots.
    int bits = Math.max(1, Math.min(20, 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1)) - 2));
    shift = 64 - bits;
    starts = new int[(1 << bits) + 1];
    int b = 0;
    for (int i = 0; i < n; i++) {
      int top = (int) (tokens[i] >>> shift);
      while (b <= top) {
        starts[b++] = i;
      }
    }
    while (b < starts.length) {
      starts[b++] = n;
    }
    shares = new double[m];
    for (int i = 0; i < n; i++) {
      long arc = tokens[i] - tokens[i == 0 ? n - 1 : i - 1];
      if (i == 0 && arc == 0) {
        shares[owner[0]] += 1.0; // all tokens at one position: the first owns the whole ring
      } else {
        shares[owner[i]] += (arc >>> 11) * 0x1.0p-53;
      }
    }
    for (int i = 0; i < n; i++) {
      tokens[i] ^= Long.MIN_VALUE;
    }
    keys = tokens;
    owners = owner;
  }

  /** The ring of {@code spec}; the same spec always gives the same owners. */
  public static Ring of(RingSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return spec.members().isEmpty() && spec.equals(EMPTY.spec) ? EMPTY : new Ring(spec);
  }

  /** The ring with no members, epoch 0: every owner is null. */
  public static Ring empty() {
    return EMPTY;
  }

  public RingSpec spec() {
    return spec;
  }

  public long epoch() {
    return spec.epoch();
  }

  public boolean isEmpty() {
    return names.length == 0;
  }

  /** Member names, sorted. */
  public Set<String> nodes() {
    return nodes;
  }

  public boolean contains(String node) {
    return indexOf.containsKey(node);
  }

  /** The number of tokens on the ring. */
  public int tokenCount() {
    return keys.length;
  }

  /** The owner of worker {@code type/id}, or null when the ring is empty. Does not allocate. */
  public String owner(String type, String id) {
    return ownerOf(RingHash.hash(type, id));
  }

  /** The owner of ring position {@code hash}, or null when the ring is empty. */
  public String ownerOf(long hash) {
    if (keys.length == 0) {
      return null;
    }
    return names[owners[indexAt(hash)]];
  }

  /**
   * The owner of {@code type/id} first, then the next distinct members clockwise: the worker's
   * replica set. Has {@code min(n, nodes().size())} entries; empty when the ring is empty.
   */
  public List<String> preferenceList(String type, String id, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, was " + n);
    }
    long hash = RingHash.hash(type, id);
    int want = Math.min(n, names.length);
    List<String> out = new ArrayList<>(want);
    if (want == 0) {
      return out;
    }
    boolean[] seen = new boolean[names.length];
    int at = indexAt(hash);
    for (int step = 0; step < keys.length && out.size() < want; step++) {
      int o = owners[at];
      if (!seen[o]) {
        seen[o] = true;
        out.add(names[o]);
      }
      at = at + 1 == keys.length ? 0 : at + 1;
    }
    return Collections.unmodifiableList(out);
  }

  /** The fraction of the 2^64 ring positions {@code node} owns; 0 for a non-member. */
  public double share(String node) {
    Integer i = indexOf.get(node);
    return i == null ? 0.0 : shares[i];
  }

  /** Index of the first token at or after {@code hash}, wrapping to 0; the ring is not empty. */
  private int indexAt(long hash) {
    int slot = (int) (hash >>> shift);
    int lo = starts[slot];
    int hi = starts[slot + 1];
    long key = hash ^ Long.MIN_VALUE;
    // Tokens before lo are below hash and tokens from hi on are above it: search [lo, hi).
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (keys[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == keys.length ? 0 : lo;
  }

  /**
   * Sorts {@code tokens} in unsigned order, moving {@code owner} along. A stable LSD radix sort of
   * four 16-bit digits: linear time, and equal tokens keep their input order (member index, which
   * is name order), which is the documented tie-break.
   */
  private static void sortUnsigned(long[] tokens, int[] owner) {
    int n = tokens.length;
    if (n < 2) {
      return;
    }
    long[] t2 = new long[n];
    int[] o2 = new int[n];
    int[] count = new int[1 << 16];
    long[] srcT = tokens;
    int[] srcO = owner;
    long[] dstT = t2;
    int[] dstO = o2;
    for (int pass = 0; pass < 4; pass++) {
      int sh = pass * 16;
      java.util.Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) (srcT[i] >>> sh) & 0xFFFF]++;
      }
      int sum = 0;
      for (int d = 0; d < count.length; d++) {
        int c = count[d];
        count[d] = sum;
        sum += c;
      }
      for (int i = 0; i < n; i++) {
        int d = (int) (srcT[i] >>> sh) & 0xFFFF;
        int to = count[d]++;
        dstT[to] = srcT[i];
        dstO[to] = srcO[i];
      }
      long[] st = srcT;
      srcT = dstT;
      dstT = st;
      int[] so = srcO;
      srcO = dstO;
      dstO = so;
    }
    // Four passes: the sorted data is back in the caller's arrays.
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ring r && spec.equals(r.spec);
  }

  @Override
  public int hashCode() {
    return spec.hashCode();
  }

  @Override
  public String toString() {
    return "Ring{epoch=" + spec.epoch() + ", vnodes=" + spec.vnodes() + ", nodes=" + nodes + "}";
  }
}
