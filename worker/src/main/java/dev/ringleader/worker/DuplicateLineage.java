package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a duplicate (detached) activation did apart from the survivor, as the conflict resolver
 * hands it to {@link Worker#mergeIn}: the snapshot it diverged from and the messages it applied
 * since, in order.
 *
 * <p>The merge takes {@code base} in by the type's rule ({@link MergeRule}) and replays each
 * message whose key the survivor has not applied, so a change applied on both sides (a client that
 * retried on the other side) counts once, for every type, mergeable or not.
 *
 * @param base the last snapshot shared with the cluster's lineage (the state when it detached, or
 *     the copy a provisional activation started from)
 * @param messages the messages applied since {@code base}, oldest first, each with its key
 * @param lastVersion the duplicate's last version (the merge commits above it and the survivor's)
 * @param replies the duplicate's remembered replies (its last snapshot's): a replayed change keeps
 *     the reply its client was given, so a retry on the survivor gets that same reply
 * @param mergeKey names this lineage's merge: a survivor that already merged it (the answer to a
 *     first delivery was lost) only answers again
 */
public record DuplicateLineage<S>(Snapshot<S> base, List<LoggedMessage> messages, long lastVersion,
    Map<String, JsonNode> replies, String mergeKey) {
  public DuplicateLineage {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(mergeKey, "mergeKey");
    messages = List.copyOf(messages);
    replies = replies == null ? Map.of() : Map.copyOf(replies);
    lastVersion = Math.max(lastVersion, base.version());
  }

  /** A lineage with no messages of its own: only its state is merged in. */
  public static <S> DuplicateLineage<S> of(Snapshot<S> state, String mergeKey) {
    return new DuplicateLineage<>(state, List.of(), state.version(), state.recentReplies(), mergeKey);
  }
}
