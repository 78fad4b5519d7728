package dev.ringleader.supervisor.internal.replication;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.WorkerKey;
import java.util.Map;

/**
 * One copy in a re-replication batch ({@code POST /internal/replicas}); see docs/replication.md.
 * It keeps the stamp of the activation that committed it ({@code owner}, {@code epoch},
 * {@code incarnation}; absent fields read as null and 0), whoever pushes it.
 */
record ReplicaCopy(String type, String id, long version, JsonNode state, Map<String, JsonNode> recentReplies,
    String owner, long epoch, long incarnation) {
  static ReplicaCopy of(WorkerKey key, StoredState s) {
    return new ReplicaCopy(key.type(), key.id(), s.version(), s.state(), s.recentReplies(), s.owner(), s.epoch(),
        s.incarnation());
  }

  WorkerKey key() {
    return new WorkerKey(type, id);
  }

  StoredState stored() {
    return new StoredState(version, state, recentReplies, owner, epoch, incarnation);
  }
}
