package dev.ringleader.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.Snapshot;
import java.util.Map;

/**
 * A worker's committed state as nodes keep and exchange it: JSON, with the worker's monotonic
 * version so that a late or repeated copy never replaces a newer one.
 *
 * @param version the snapshot's version (0 for a fresh worker, +1 per committed change)
 * @param state the state as JSON
 * @param recentReplies recent idempotency keys and their replies
 * @param owner the node that committed this version (null when unknown)
 */
record StoredState(long version, JsonNode state, Map<String, JsonNode> recentReplies, String owner) {
  StoredState {
    recentReplies = recentReplies == null ? Map.of() : recentReplies;
  }

  /** The snapshot a worker committed on node {@code owner}, as nodes keep it. */
  static StoredState of(Snapshot<?> snapshot, String owner) {
    return new StoredState(snapshot.version(), Json.MAPPER.valueToTree(snapshot.state()), snapshot.recentReplies(),
        owner);
  }

  /** A copy sent by another node, or null when the JSON is not one (no state, negative version). */
  static StoredState fromJson(JsonNode body) {
    try {
      StoredState s = Json.MAPPER.treeToValue(body, StoredState.class);
      return s == null || s.state() == null || s.version() < 0 ? null : s;
    } catch (Exception e) {
      return null;
    }
  }

  boolean newerThan(StoredState other) {
    return other == null || version > other.version;
  }
}
