package dev.ringleader.registry;

import java.util.Objects;

/**
 * The hash functions of the ring. Both are fixed, documented algorithms, so every JVM on every
 * platform computes the same values from the same strings: no {@link String#hashCode()}, no
 * random seeds, no dependence on the default charset.
 *
 * <ul>
 *   <li>{@link #hash(String, String)} is XXH64 (xxHash64, seed 0) of the UTF-16LE bytes of
 *       {@code type + "/" + id}. The concatenation is never built: the chars are read in place,
 *       so a lookup allocates nothing. Types must not contain {@code '/'}: {@code ("a/b", "c")}
 *       and {@code ("a", "b/c")} hash alike by construction. Strings are hashed as their UTF-16
 *       code units, so even a lone surrogate hashes deterministically.
 *   <li>{@link #token(String, int)} is output number {@code index} of a SplitMix64 stream seeded
 *       with {@link #nodeSeed(String)} (XXH64 of the UTF-16LE bytes of the node name): {@code
 *       mix64(seed + (index + 1) * 0x9E3779B97F4A7C15)}. The ring computes the seed once per
 *       member and then each token with a few multiplications.
 * </ul>
 *
 * <p>Values are treated as unsigned positions on a ring of size 2^64.
 */
public final class RingHash {
  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;
  /** The SplitMix64 increment (the golden ratio in 64 bits). */
  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  private RingHash() {}

  /** The ring position of worker {@code type/id}: XXH64 of UTF-16LE({@code type + "/" + id}). */
  public static long hash(String type, String id) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    return xxh64(type, id, type.length() + 1 + id.length());
  }

  /** The position of virtual node {@code index} (0-based) of {@code node}. */
  public static long token(String node, int index) {
    return token(nodeSeed(node), index);
  }

  /** The SplitMix64 seed of {@code node}'s tokens: XXH64 of UTF-16LE({@code node}). */
  static long nodeSeed(String node) {
    Objects.requireNonNull(node, "node");
    return xxh64(node, null, node.length());
  }

  /** Token {@code index} of the node whose seed is {@code seed}. */
  static long token(long seed, int index) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    return mix64(seed + (index + 1L) * GAMMA);
  }

  /** The SplitMix64 finalizer (Stafford variant 13): a bijection with full avalanche. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * XXH64 with seed 0 over the UTF-16LE bytes of the virtual string {@code a + "/" + b}, or of
   * {@code a} alone when {@code b} is null; {@code chars} is that string's length.
   */
  private static long xxh64(String a, String b, int chars) {
    long len = 2L * chars;
    int c = 0; // char index of the next unread byte pair
    long h;
    if (chars >= 16) {
      long v1 = P1 + P2;
      long v2 = P2;
      long v3 = 0;
      long v4 = -P1;
      do {
        v1 = round(v1, lane(a, b, c));
        v2 = round(v2, lane(a, b, c + 4));
        v3 = round(v3, lane(a, b, c + 8));
        v4 = round(v4, lane(a, b, c + 12));
        c += 16;
      } while (c + 16 <= chars);
      h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12)
          + Long.rotateLeft(v4, 18);
      h = merge(h, v1);
      h = merge(h, v2);
      h = merge(h, v3);
      h = merge(h, v4);
    } else {
      h = P5;
    }
    h += len;
    while (c + 4 <= chars) {
      h ^= round(0, lane(a, b, c));
      h = Long.rotateLeft(h, 27) * P1 + P4;
      c += 4;
    }
    if (c + 2 <= chars) {
      long k = (charAt(a, b, c) | ((long) charAt(a, b, c + 1) << 16)) & 0xFFFFFFFFL;
      h ^= k * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      c += 2;
    }
    if (c < chars) { // one char left: its two bytes, low byte first
      int ch = charAt(a, b, c);
      h ^= (ch & 0xFF) * P5;
      h = Long.rotateLeft(h, 11) * P1;
      h ^= ((ch >>> 8) & 0xFF) * P5;
      h = Long.rotateLeft(h, 11) * P1;
    }
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  /** Four chars from index {@code c} as one little-endian 64-bit lane. */
  private static long lane(String a, String b, int c) {
    return charAt(a, b, c)
        | ((long) charAt(a, b, c + 1) << 16)
        | ((long) charAt(a, b, c + 2) << 32)
        | ((long) charAt(a, b, c + 3) << 48);
  }

  private static int charAt(String a, String b, int i) {
    int al = a.length();
    if (i < al) {
      return a.charAt(i);
    }
    return i == al ? '/' : b.charAt(i - al - 1);
  }

  private static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long merge(long acc, long v) {
    acc ^= round(0, v);
    return acc * P1 + P4;
  }
}
