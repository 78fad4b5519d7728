package dev.ringleader.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RingHashTest {
  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;

  /** A plain byte[] XXH64 (seed 0), written from the specification, as the reference. */
  static long xxh64(byte[] in) {
    ByteBuffer buf = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
    int len = in.length;
    int p = 0;
    long h;
    if (len >= 32) {
      long v1 = P1 + P2;
      long v2 = P2;
      long v3 = 0;
      long v4 = -P1;
      while (p + 32 <= len) {
        v1 = round(v1, buf.getLong(p));
        v2 = round(v2, buf.getLong(p + 8));
        v3 = round(v3, buf.getLong(p + 16));
        v4 = round(v4, buf.getLong(p + 24));
        p += 32;
      }
      h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
      for (long v : new long[] {v1, v2, v3, v4}) {
        h ^= round(0, v);
        h = h * P1 + P4;
      }
    } else {
      h = P5;
    }
    h += len;
    while (p + 8 <= len) {
      h ^= round(0, buf.getLong(p));
      h = Long.rotateLeft(h, 27) * P1 + P4;
      p += 8;
    }
    if (p + 4 <= len) {
      h ^= (buf.getInt(p) & 0xFFFFFFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      p += 4;
    }
    while (p < len) {
      h ^= (in[p] & 0xFF) * P5;
      h = Long.rotateLeft(h, 11) * P1;
      p++;
    }
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  private static long round(long acc, long input) {
    return Long.rotateLeft(acc + input * P2, 31) * P1;
  }

  @Test
  void referenceMatchesPublishedXxh64Vectors() {
    assertEquals(0xEF46DB3751D8E999L, xxh64(new byte[0]));
    assertEquals(0xD24EC4F1A98C6E5BL, xxh64("a".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0x44BC2CF5AD770999L, xxh64("abc".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0xFBCEA83C8A378BF1L,
        xxh64("Nobody inspects the spammish repetition".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void hashIsXxh64OfUtf16leOfTypeSlashIdForEveryLength() {
    String chars = "abcdefghijklmnopqrstuvwxyz0123456789é€\uD83D\uDE00ABCDEFGHIJ";
    for (int t = 0; t <= 6; t++) {
      for (int i = 0; i <= chars.length(); i++) {
        String type = chars.substring(0, t);
        String id = chars.substring(chars.length() - i);
        // Code units, not getBytes: a cut surrogate pair must hash as its chars, not as '?'.
        assertEquals(xxh64(utf16le(type + "/" + id)), RingHash.hash(type, id), () -> type + "/" + id);
      }
    }
  }

  private static byte[] utf16le(String s) {
    byte[] out = new byte[2 * s.length()];
    for (int i = 0; i < s.length(); i++) {
      out[2 * i] = (byte) s.charAt(i);
      out[2 * i + 1] = (byte) (s.charAt(i) >>> 8);
    }
    return out;
  }

  @Test
  void codeUnitsAreUtf16leForWellFormedStrings() {
    String s = "player/é€\uD83D\uDE00";
    assertEquals(java.util.Arrays.toString(s.getBytes(StandardCharsets.UTF_16LE)), java.util.Arrays.toString(utf16le(s)));
  }

  @Test
  void valuesArePinnedSoEveryJvmAgrees() {
    // If these change, every deployed ring moves every ID: that is a wire-format change.
    assertEquals(PINNED_HASH, RingHash.hash("player", "id-0"));
    assertEquals(PINNED_TOKEN, RingHash.token("node-1", 0));
    assertEquals(RingHash.mix64(RingHash.nodeSeed("node-1") + 0x9E3779B97F4A7C15L), PINNED_TOKEN);
    assertEquals(xxh64("node-1".getBytes(StandardCharsets.UTF_16LE)), RingHash.nodeSeed("node-1"));
  }

  private static final long PINNED_HASH = 0x9A29A13C1C4280CAL;
  private static final long PINNED_TOKEN = 0xD26F780326E06948L;

  @Test
  void tokensOfOneNodeAndOfDifferentNodesDiffer() {
    Set<Long> seen = new HashSet<>();
    for (String node : new String[] {"node-1", "node-2", "node1", "a"}) {
      for (int i = 0; i < 1000; i++) {
        assertTrue(seen.add(RingHash.token(node, i)), node + " token " + i + " collides");
      }
    }
  }

  @Test
  void hashSpreadsOverTheTopBits() {
    int[] buckets = new int[16];
    int n = 160_000;
    for (int i = 0; i < n; i++) {
      buckets[(int) (RingHash.hash("player", "id-" + i) >>> 60)]++;
    }
    // 10,000 expected per bucket, standard deviation ~97: 6% is more than 6 deviations.
    for (int b : buckets) {
      assertTrue(Math.abs(b - 10_000) < 600, () -> java.util.Arrays.toString(buckets));
    }
    assertNotEquals(RingHash.hash("player", "id-1"), RingHash.hash("player", "id-2"));
    assertNotEquals(RingHash.hash("player", "x"), RingHash.hash("cache", "x"));
  }

  @Test
  void hashAndOwnerDoNotAllocate() {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Ring ring = Ring.of(RingSpec.of(1, 100, "a", "b", "c"));
    String[] ids = new String[1000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = "id-" + i;
    }
    long sink = 0;
    for (int r = 0; r < 50; r++) {
      for (String id : ids) {
        sink += RingHash.hash("player", id) + ring.owner("player", id).length();
      }
    }
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int r = 0; r < 100; r++) {
      for (String id : ids) {
        sink += RingHash.hash("player", id) + ring.owner("player", id).length();
      }
    }
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    // 100,000 calls: one allocation per call would be >= 1.6 MB; allow the measurement's own noise.
    assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes (sink " + sink + ")");
  }
}
