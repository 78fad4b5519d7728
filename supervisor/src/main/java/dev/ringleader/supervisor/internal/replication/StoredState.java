package dev.ringleader.supervisor.internal.replication;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.worker.Snapshot;
import java.util.Comparator;
import java.util.Map;

/**
 * A worker's committed state as nodes keep and exchange it: JSON, with the worker's monotonic
 * version so that a late or repeated copy never replaces a newer one, and the stamp of the
 * activation that committed it, so that two copies of one version (two activations that both
 * believed they owned the ID) are told apart and ordered alike on every node (docs/replication.md,
 * scenario 2b).
 *
 * @param version the snapshot's version (0 for a fresh worker, +1 per committed change)
 * @param state the state as JSON
 * @param recentReplies recent idempotency keys and their replies
 * @param owner the node that committed this version (null when unknown)
 * @param epoch the ring epoch the committing node had when it committed (0 when unknown: a copy
 *     from a node that predates the stamp)
 * @param incarnation the committing activation's incarnation on its node (0 when unknown)
 */
public record StoredState(long version, JsonNode state, Map<String, JsonNode> recentReplies, String owner, long epoch,
    long incarnation) {
  /**
   * The order of copies, the same on every node: version, then ring epoch (of two activations that
   * committed the same version, the one that committed under the newer ring is the one a newer
   * owner continues), then owner (a copy naming no owner first), then incarnation. Only a
   * deterministic tie-break beyond the epoch: arrival order must never decide.
   */
  static final Comparator<StoredState> ORDER = Comparator.comparingLong(StoredState::version)
      .thenComparingLong(StoredState::epoch)
      .thenComparing(StoredState::owner, Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparingLong(StoredState::incarnation);

  public StoredState {
    recentReplies = dev.ringleader.worker.ReplyWindow.copyOf(recentReplies); // read-only; no copy when it is one
  }

  /** The snapshot a worker committed on node {@code owner}, with no stamp (epoch and incarnation 0). */
  public static StoredState of(Snapshot<?> snapshot, String owner) {
    return of(snapshot, owner, 0, 0);
  }

  /** The snapshot activation {@code incarnation} committed on node {@code owner} under ring {@code epoch}. */
  public static StoredState of(Snapshot<?> snapshot, String owner, long epoch, long incarnation) {
    return new StoredState(snapshot.version(), Json.MAPPER.valueToTree(snapshot.state()), snapshot.recentReplies(),
        owner, epoch, incarnation);
  }

  /** A copy as JSON (the disk's records), read from its bytes; null when they are not one (no state, negative version). */
  public static StoredState read(byte[] body) {
    return read(Json.MAPPER, body);
  }

  /**
   * A copy as another node sends it on the peer channel: Smile, or JSON text from a node of an older
   * build (told apart by the Smile header); null when the bytes are neither.
   */
  public static StoredState readWire(byte[] body) {
    return read(dev.ringleader.supervisor.internal.node.Smile.mapperFor(body), body);
  }

  private static StoredState read(com.fasterxml.jackson.databind.ObjectMapper mapper, byte[] body) {
    try {
      StoredState s = mapper.readValue(body, StoredState.class);
      return s == null || s.state() == null || s.version() < 0 ? null : s;
    } catch (Exception e) {
      return null;
    }
  }

  /** True when this copy comes after {@code other} in {@link #ORDER} (always, when there is none). */
  public boolean newerThan(StoredState other) {
    return other == null || ORDER.compare(this, other) > 0;
  }

  /** True when both are the same commit: same version by the same activation of the same node. */
  boolean sameCommit(StoredState other) {
    return other != null && version == other.version && incarnation == other.incarnation
        && java.util.Objects.equals(owner, other.owner);
  }
}
