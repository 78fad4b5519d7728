package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merge of a duplicate lineage into a survivor's snapshot, as a pure function of both (the
 * handler runs for each replayed message, as it would for a message): the worker's step for
 * {@link Worker#mergeIn}.
 *
 * <ol>
 *   <li>The duplicate's base is taken in by the type's {@link MergeRule}: merged ({@code
 *       type.merge}), taken (a non-mergeable survivor that never committed), or left out (a
 *       non-mergeable survivor keeps its state). Its remembered replies come along only when its
 *       state did, so a retry of a change that was left out is applied, not answered from memory.
 *   <li>Each message the duplicate applied since its base is replayed through the handler, oldest
 *       first, unless its key is already remembered (the survivor applied it, e.g. the client's
 *       retry on the other side of a split). The reply its client was given (the duplicate's, when
 *       still remembered; else the survivor's handler's) is remembered under its key.
 *   <li>The lineage's merge key is remembered too, so delivering the same lineage again changes
 *       nothing.
 *   <li>The version is {@code max(survivor, duplicate) + 1}, above both lineages; the oldest
 *       replies beyond the window are evicted.
 * </ol>
 */
final class LineageMerge {
  private static final Logger LOG = LoggerFactory.getLogger(LineageMerge.class);

  /** The merged snapshot and what the merge did. */
  record Result<S>(Snapshot<S> next, MergeReport report) {}

  private LineageMerge() {}

  static <S> Result<S> apply(WorkerType<S> type, WorkerContext context, ObjectMapper mapper, Snapshot<S> survivor,
      DuplicateLineage<S> other, int repliesKept) {
    Snapshot<S> base = other.base();
    MergeRule rule = MergeRule.of(type, survivor.version(), base.version());
    S state = rule.apply(type, survivor.state(), base.state());
    LinkedHashMap<String, JsonNode> replies = new LinkedHashMap<>();
    if (rule != MergeRule.KEPT_SURVIVOR) {
      replies.putAll(base.recentReplies());
    }
    for (Map.Entry<String, JsonNode> e : survivor.recentReplies().entrySet()) {
      replies.remove(e.getKey());
      replies.put(e.getKey(), e.getValue());
    }
    int replayed = 0;
    int skipped = 0;
    int failed = 0;
    for (LoggedMessage m : other.messages()) {
      String key = m.requestKey();
      if (key != null && replies.containsKey(key)) {
        skipped++;
        continue;
      }
      try {
        Step<S> step = type.handle(state, m.message(), context);
        if (step == null) {
          throw new IllegalStateException(type.name() + ".handle returned null instead of a Step");
        }
        state = step.state();
        if (key != null) {
          JsonNode given = other.replies().get(key); // the reply its client got, if still remembered
          replies.put(key, given != null ? given
              : step.reply() == null ? NullNode.getInstance() : mapper.valueToTree(step.reply()));
        }
        replayed++;
      } catch (Throwable refused) {
        failed++;
        LOG.warn("{}: a change of a duplicate activation (key {}) was refused by the survivor's handler on replay; "
            + "left out", type.name(), key, refused);
      }
    }
    replies.remove(other.mergeKey());
    replies.put(other.mergeKey(), TextNode.valueOf("merged"));
    long version = Math.max(survivor.version(), other.lastVersion()) + 1;
    return new Result<>(new Snapshot<>(version, state, Snapshot.evictOldest(replies, repliesKept)),
        new MergeReport(version, rule, replayed, skipped, failed, false));
  }
}
