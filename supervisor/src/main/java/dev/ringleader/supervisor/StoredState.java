package dev.ringleader.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
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
  boolean newerThan(StoredState other) {
    return other == null || version > other.version;
  }
}
