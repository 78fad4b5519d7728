package dev.ringleader.worker;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A map from strings to JSON values that duplicate activations can change independently and merge
 * (a last-writer-wins map CRDT). Every key keeps its latest write, a value or a removal
 * (tombstone), stamped with the writer's timestamp in milliseconds and node name.
 *
 * <p>The winner of two writes to one key is decided by {@link Entry#ORDER}: the later timestamp;
 * on a tie the greater node name; then a removal over a value; then the greater value text. That
 * is a total order, so merge is commutative, associative and idempotent, and every node picks the
 * same winner. Clocks of different nodes are not synchronised: a write can lose to an earlier one
 * from a node whose clock runs ahead. Tombstones are kept, so removals survive merges.
 *
 * <p>Immutable; JSON {@code {"entries":{"k":{"value":1,"timestamp":17,"node":"node1"}}}}.
 *
 * @param entries the latest write per key, including removals
 */
public record LWWMap(Map<String, Entry> entries) {
  private static final LWWMap EMPTY = new LWWMap(Map.of());

  /**
   * The latest write to one key.
   *
   * @param value the written value; null for a removal
   * @param timestamp the writer's clock in milliseconds
   * @param node the writer's node name
   * @param removed true for a removal (tombstone)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(JsonNode value, long timestamp, String node, boolean removed) {
    /** The order in which writes win: the greatest entry is the one kept. */
    public static final Comparator<Entry> ORDER =
        Comparator.comparingLong(Entry::timestamp)
            .thenComparing(Entry::node)
            .thenComparing(Entry::removed)
            .thenComparing(e -> e.removed() ? "" : e.value().toString());

    @JsonCreator
    public Entry(
        @JsonProperty("value") JsonNode value,
        @JsonProperty("timestamp") long timestamp,
        @JsonProperty("node") String node,
        @JsonProperty("removed") boolean removed) {
      this.node = Objects.requireNonNull(node, "node");
      this.timestamp = timestamp;
      this.removed = removed;
      if (removed) {
        this.value = null;
      } else {
        this.value = Objects.requireNonNull(value, "value (use a NullNode for JSON null)");
      }
    }

    /** The winner of this write and {@code other}. */
    Entry winner(Entry other) {
      return ORDER.compare(this, other) >= 0 ? this : other;
    }
  }

  @JsonCreator
  public LWWMap(@JsonProperty("entries") Map<String, Entry> entries) {
    this.entries =
        entries == null || entries.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(entries));
  }

  /** The empty map. */
  public static LWWMap empty() {
    return EMPTY;
  }

  /** Writes {@code value} under {@code key}, unless a later write to it is already known. */
  public LWWMap put(String key, JsonNode value, long timestampMillis, String node) {
    Objects.requireNonNull(value, "value");
    return write(key, new Entry(value, timestampMillis, node, false));
  }

  /** Removes {@code key}, unless a later write to it is already known. */
  public LWWMap remove(String key, long timestampMillis, String node) {
    return write(key, new Entry(null, timestampMillis, node, true));
  }

  /** The live value under {@code key}; empty when it was never written or was removed. */
  public Optional<JsonNode> get(String key) {
    Entry entry = entries.get(key);
    return entry == null || entry.removed() ? Optional.empty() : Optional.of(entry.value());
  }

  /** The live entries as an unmodifiable map, sorted by key. */
  public Map<String, JsonNode> asMap() {
    Map<String, JsonNode> live = new LinkedHashMap<>();
    entries.forEach(
        (key, entry) -> {
          if (!entry.removed()) {
            live.put(key, entry.value());
          }
        });
    return Collections.unmodifiableMap(live);
  }

  /** Per key, the winning write of either map. */
  public LWWMap merge(LWWMap other) {
    TreeMap<String, Entry> merged = new TreeMap<>(entries);
    other.entries.forEach((key, entry) -> merged.merge(key, entry, Entry::winner));
    return new LWWMap(merged);
  }

  private LWWMap write(String key, Entry entry) {
    Objects.requireNonNull(key, "key");
    Entry current = entries.get(key);
    if (current != null && current.winner(entry) == current) {
      return this;
    }
    TreeMap<String, Entry> next = new TreeMap<>(entries);
    next.put(key, entry);
    return new LWWMap(next);
  }
}
