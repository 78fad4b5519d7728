package dev.ringleader.supervisor.internal.peer;

/**
 * One request between nodes. Which fields an op uses: {@code type}/{@code id} name the worker (empty
 * for {@link PeerOp#COPY_BATCH}, {@link PeerOp#JOIN}, {@link PeerOp#PROBE}); {@code requestKey} is a
 * tell's idempotency key; {@code epoch} the sender's ring epoch (-1: none); {@code from} the sending
 * node (a merge's origin); {@code body} the JSON body, empty when the op has none.
 */
public record PeerRequest(PeerOp op, String type, String id, String requestKey, long epoch, String from,
    byte[] body) {
  private static final byte[] NONE = new byte[0];

  public PeerRequest {
    type = type == null ? "" : type;
    id = id == null ? "" : id;
    body = body == null ? NONE : body;
  }

  /** A request about one worker. */
  public static PeerRequest of(PeerOp op, dev.ringleader.worker.WorkerKey key, long epoch, byte[] body) {
    return new PeerRequest(op, key.type(), key.id(), null, epoch, null, body);
  }

  /** A request about no worker in particular. */
  public static PeerRequest of(PeerOp op, byte[] body) {
    return new PeerRequest(op, "", "", null, -1, null, body);
  }

  public PeerRequest withRequestKey(String key) {
    return new PeerRequest(op, type, id, key, epoch, from, body);
  }

  public PeerRequest withFrom(String node) {
    return new PeerRequest(op, type, id, requestKey, epoch, node, body);
  }
}
