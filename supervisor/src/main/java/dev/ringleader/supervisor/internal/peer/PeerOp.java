package dev.ringleader.supervisor.internal.peer;

/**
 * Every request one node sends another on the peer port (docs/peer-channel.md): who sends it, what it
 * carries, what answers. The answer to each is a {@link PeerResponse}: an HTTP-like status, an
 * optional retry-after and a JSON body (the same bodies the client API uses, so the entry node passes
 * the owner's answer through unparsed).
 *
 * <p>The code is the op's byte on the wire; a frame with an unknown code closes the connection.
 */
public enum PeerOp {
  /** Entry node to owner: {@code request(id)} of the node's request type. Answer: the worker's reply. */
  FORWARD_REQUEST(1),
  /** Entry node to owner: a read of the worker's state. Answer: the state. */
  FORWARD_READ(2),
  /** Entry node to owner: a message (body) with its idempotency key. Answer: the reply, once held. */
  FORWARD_TELL(3),
  /** Owner to backup: one worker's copy after a commit (docs/replication.md 1-3). Answer: what it keeps. */
  COPY(4),
  /** Activating node to a backup: its copy of one worker (scenario 4). Answer: the copy, or 404. */
  FETCH(5),
  /** Rebalancer to a new replica: many copies in one body. Answer: 200 when all were looked at. */
  COPY_BATCH(6),
  /** Detached node to owner: a detached worker's base, log and last state (docs/conflicts.md). */
  MERGE(7),
  /** Joining node to each member: prepare to hand me my share (docs/handoff.md 1). */
  JOIN(8),
  /** Router to a silent owner: are you there? Answer: the node's health. */
  PROBE(9),
  /** {@code GET /cluster/history} on one node to every member: your entries for this ID. */
  HISTORY(10),
  /**
   * Owner to backup: a copy with the whole state but only the reply its change added (docs/replication.md
   * 2c). Answer: as {@link #COPY}, or {@code 412 base_missing} when the backup lacks the previous version.
   */
  COPY_DELTA(11),
  /**
   * Crash detector to a member (docs/failover.md): which process answers here? Answered by the peer
   * port itself, also while the node is still starting: {@code {"node","incarnation"}} (the
   * process's start time, as in its member znode's {@code startedAt}).
   */
  IDENTIFY(12);

  public final byte code;

  PeerOp(int code) {
    this.code = (byte) code;
  }

  private static final PeerOp[] BY_CODE = new PeerOp[16];

  static {
    for (PeerOp op : values()) {
      BY_CODE[op.code] = op;
    }
  }

  /** The op of a wire code, or null for an unknown one. */
  public static PeerOp of(byte code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** True when the op is answered by reading only (a retry or a late delivery changes nothing). */
  public boolean readOnly() {
    return this == FORWARD_READ || this == FETCH || this == PROBE || this == HISTORY || this == IDENTIFY;
  }
}
