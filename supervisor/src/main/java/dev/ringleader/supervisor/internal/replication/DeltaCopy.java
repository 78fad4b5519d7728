package dev.ringleader.supervisor.internal.replication;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.supervisor.internal.node.Json;
import java.util.Objects;

/**
 * A copy that carries the full state but only the reply its change added to the replies window
 * ({@code COPY_DELTA}, docs/replication.md scenario 2c): the backup rebuilds the window from its own
 * copy of the previous version — only when that copy is the same commit (version - 1, same owner,
 * same activation), which then holds the same window; otherwise it answers {@code 412
 * base_missing} and the owner sends the whole copy.
 *
 * @param version the new version (its base is {@code version - 1})
 * @param state the whole new state
 * @param owner the committing node
 * @param epoch the committing node's ring epoch
 * @param incarnation the committing activation
 * @param key the idempotency key of the change
 * @param reply the reply remembered under it
 * @param window how many replies the owner keeps (its idempotency-window): the oldest beyond go
 */
public record DeltaCopy(long version, JsonNode state, String owner, long epoch, long incarnation, String key,
    JsonNode reply, int window) {
  /** The largest window a delta may name (the setting's own bound). */
  static final int MAX_WINDOW = 1024;

  /** Read from a peer's bytes (Smile, or JSON text from an older node); null when they are not a delta. */
  static DeltaCopy read(byte[] body) {
    try {
      DeltaCopy d = dev.ringleader.supervisor.internal.node.Smile.mapperFor(body).readValue(body, DeltaCopy.class);
      boolean ok = d != null && d.version() >= 1 && d.state() != null && d.owner() != null && d.key() != null
          && !d.key().isEmpty() && d.key().length() <= 128 && d.reply() != null && d.window() >= 1
          && d.window() <= MAX_WINDOW;
      return ok ? d : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** The delta of {@code next} over its previous version, for the reply of {@code key}. */
  static DeltaCopy of(StoredState next, String key, int window) {
    return new DeltaCopy(next.version(), next.state(), next.owner(), next.epoch(), next.incarnation(), key,
        next.recentReplies().get(key), window);
  }

  /** True when {@code base} is the commit this delta follows: version - 1 of the same activation. */
  boolean follows(StoredState base) {
    return base != null && base.version() == version - 1 && Objects.equals(base.owner(), owner)
        && base.incarnation() == incarnation;
  }

  /** The whole copy: {@code base}'s window plus this change's reply, the oldest beyond the window evicted. */
  StoredState applyTo(StoredState base) {
    // A re-used key moves to the newest end, as in Snapshot.next; the oldest beyond the window go.
    return new StoredState(version, state, dev.ringleader.worker.ReplyWindow.copyOf(base.recentReplies())
        .with(key, reply, window), owner, epoch, incarnation);
  }

  @Override
  public String toString() {
    return "DeltaCopy[v" + version + " by " + owner + "/" + incarnation + ", key " + key + "]";
  }
}
