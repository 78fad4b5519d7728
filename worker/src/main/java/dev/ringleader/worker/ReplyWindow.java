package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The replies a worker remembers for its most recent keyed requests, oldest first: an immutable map
 * kept in two arrays. Each commit makes the next window by copying two arrays of at most
 * {@code idempotency-window} references ({@link #with}), where a {@code LinkedHashMap} copy made an
 * entry object per reply, twice per write. A lookup compares the cached hash codes first, then the
 * keys, newest first (a retry is usually of a recent change).
 *
 * <p>Thread-safe: immutable. Mutators of {@link Map} throw.
 */
public final class ReplyWindow extends AbstractMap<String, JsonNode> {
  private static final ReplyWindow EMPTY = new ReplyWindow(new String[0], new JsonNode[0], new int[0]);

  private final String[] keys;
  private final JsonNode[] replies;
  private final int[] hashes;

  private ReplyWindow(String[] keys, JsonNode[] replies, int[] hashes) {
    this.keys = keys;
    this.replies = replies;
    this.hashes = hashes;
  }

  public static ReplyWindow empty() {
    return EMPTY;
  }

  /** {@code map} as a window, in its iteration order (oldest first); the window itself if it is one. */
  public static ReplyWindow copyOf(Map<String, JsonNode> map) {
    if (map instanceof ReplyWindow w) {
      return w;
    }
    if (map == null || map.isEmpty()) {
      return EMPTY;
    }
    String[] k = new String[map.size()];
    JsonNode[] v = new JsonNode[map.size()];
    int[] h = new int[map.size()];
    int i = 0;
    for (Map.Entry<String, JsonNode> e : map.entrySet()) {
      k[i] = java.util.Objects.requireNonNull(e.getKey(), "a reply's key");
      v[i] = e.getValue();
      h[i] = k[i].hashCode();
      i++;
    }
    return new ReplyWindow(k, v, h);
  }

  /**
   * This window with {@code reply} remembered under {@code key} as the newest (a key already in it
   * moves to the newest end), the oldest beyond {@code kept} dropped.
   */
  public ReplyWindow with(String key, JsonNode reply, int kept) {
    int at = indexOf(key);
    int size = keys.length - (at >= 0 ? 1 : 0) + 1;
    int drop = Math.max(0, size - Math.max(0, kept));
    int n = size - drop;
    String[] k = new String[n];
    JsonNode[] v = new JsonNode[n];
    int[] h = new int[n];
    int skip = drop;
    int j = 0;
    for (int i = 0; i < keys.length; i++) {
      if (i == at) {
        continue;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      k[j] = keys[i];
      v[j] = replies[i];
      h[j] = hashes[i];
      j++;
    }
    if (skip == 0 && j < n) {
      k[j] = key;
      v[j] = reply;
      h[j] = key.hashCode();
    }
    return n == 0 ? EMPTY : new ReplyWindow(k, v, h);
  }

  private int indexOf(Object key) {
    if (!(key instanceof String s)) {
      return -1;
    }
    int h = s.hashCode();
    for (int i = keys.length - 1; i >= 0; i--) {
      if (hashes[i] == h && keys[i].equals(s)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public JsonNode get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : replies[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public Set<Map.Entry<String, JsonNode>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, JsonNode>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Map.Entry<String, JsonNode> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(keys[i], replies[i]);
          }
        };
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }
}
