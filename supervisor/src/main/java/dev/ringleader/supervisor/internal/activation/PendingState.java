package dev.ringleader.supervisor.internal.activation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.replication.StoredState;
import dev.ringleader.worker.DuplicateLineage;
import dev.ringleader.worker.LoggedMessage;
import dev.ringleader.worker.Snapshot;
import java.util.List;

/**
 * The last state of a detached activation that stopped, with what it did apart from the cluster,
 * until the ring owner merged it; also the body of {@code POST /internal/merge/{type}/{id}}.
 *
 * @param base the state it diverged from
 * @param log the changes it applied since {@code base}, oldest first, each with its key
 * @param last its last state (a later detached activation of the key continues from it)
 * @param lineage its writer name: unique per lineage, it names the merge so a repeated delivery
 *     is applied once
 */
public record PendingState(StoredState base, List<LoggedMessage> log, StoredState last, String lineage) {
  public PendingState {
    log = log == null ? List.of() : List.copyOf(log);
  }

  /** The merge key the survivor remembers: this lineage at this last version. */
  String mergeKey() {
    return "merge/" + lineage + "/" + last.version();
  }

  /** A merge body sent by another node, or null when the JSON is not one. */
  public static PendingState fromJson(JsonNode body) {
    try {
      PendingState p = Json.MAPPER.treeToValue(body, PendingState.class);
      if (p == null || p.lineage() == null || p.lineage().isEmpty() || p.base() == null || p.last() == null
          || p.base().state() == null || p.last().state() == null || p.base().version() < 0
          || p.last().version() < p.base().version()
          || p.log().stream().anyMatch(m -> m == null || m.requestKey() == null)) {
        return null;
      }
      return p;
    } catch (Exception e) {
      return null;
    }
  }

  /** The lineage as the worker merges it, with the base's state read as the type's class. */
  <S> DuplicateLineage<S> lineageOf(Class<S> stateClass) throws Exception {
    S state = Json.MAPPER.treeToValue(base.state(), stateClass);
    return new DuplicateLineage<>(new Snapshot<>(base.version(), state, base.recentReplies()), log,
        last.version(), last.recentReplies(), mergeKey());
  }
}
