package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One committed version of a worker's state, as it is replicated and handed over.
 *
 * <p>Invariants: {@code version} is monotonic per worker: 0 for a fresh worker, +1 for every
 * committed change, never reused even when a commit was not acknowledged. {@code recentReplies}
 * is an immutable, insertion-ordered map {@code requestKey -> reply} (oldest first) that lets a
 * retried request with the same key get the same reply without running the handler again.
 *
 * <p>Immutable, so it is safe to share between threads.
 *
 * @param version monotonic per worker, starts at 0
 * @param state the worker's state; the type's {@link WorkerType#stateClass()}
 * @param recentReplies the replies to the most recent keyed requests, oldest first
 */
public record Snapshot<S>(long version, S state, Map<String, JsonNode> recentReplies) {
  public Snapshot {
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, was " + version);
    }
    recentReplies = ReplyWindow.copyOf(recentReplies); // no copy when it is one already
  }

  /** The snapshot of a fresh worker: version 0, no replies. */
  public static <S> Snapshot<S> initial(S state) {
    return new Snapshot<>(0, state, Map.of());
  }

  /**
   * The next version: {@code version + 1}, the given state, and, when {@code requestKey} is not
   * null, the reply remembered under it, evicting the oldest replies beyond {@code repliesKept}.
   * A pure function.
   */
  public Snapshot<S> next(S nextState, String requestKey, JsonNode reply, int repliesKept) {
    if (requestKey == null) {
      return new Snapshot<>(version + 1, nextState, recentReplies);
    }
    Objects.requireNonNull(reply, "reply");
    // A re-used key moves to the newest end; the oldest beyond repliesKept go.
    return new Snapshot<>(version + 1, nextState, ReplyWindow.copyOf(recentReplies).with(requestKey, reply,
        repliesKept));
  }

  /** Drops the oldest replies (insertion order) beyond {@code kept}; returns the same map. */
  static LinkedHashMap<String, JsonNode> evictOldest(LinkedHashMap<String, JsonNode> replies, int kept) {
    var oldest = replies.keySet().iterator();
    while (replies.size() > kept && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
    return replies;
  }
}
