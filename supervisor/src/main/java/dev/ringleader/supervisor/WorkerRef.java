package dev.ringleader.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallException;
import dev.ringleader.supervisor.internal.http.NodeCalls;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ringleader.worker.WorkerKey;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A worker of the cluster, seen from Java code on a member: {@code node.ref("player", "alice")}.
 * Calls are routed exactly as HTTP calls are (local when this node owns the ID, one forward to its
 * owner otherwise) and never block the caller. A failure completes the stage with a {@link
 * CallException} carrying the HTTP API's error code ({@link dev.ringleader.call.CallError}); a
 * retryable one may be sent again with the same idempotency key, and is then applied once.
 *
 * <p>Messages and typed replies are converted with the node's {@code ObjectMapper} ({@link
 * NodeBuilder#objectMapper}); on the wire they stay JSON.
 *
 * <p>Immutable and thread-safe; cheap to make (no activation happens until a call).
 */
public final class WorkerRef {
  private final NodeCalls calls;
  private final WorkerKey key;
  private final ObjectMapper mapper;

  WorkerRef(NodeCalls calls, WorkerKey key, ObjectMapper mapper) {
    this.calls = calls;
    this.key = key;
    this.mapper = mapper;
  }

  public String type() {
    return key.type();
  }

  public String id() {
    return key.id();
  }

  /**
   * Sends a message (any object Jackson can write, or a JsonNode); completes with the handler's
   * reply as JSON. A new idempotency key is made for this call: use {@link #ask(Object, String,
   * Duration)} to retry one safely.
   */
  public CompletionStage<JsonNode> ask(Object message) {
    return ask(message, null, calls.defaultTimeout());
  }

  /**
   * Sends a message under {@code idempotencyKey} (1-128 characters; null: one is made up): a retry
   * with the same key is applied at most once, on any node, whatever happened in between.
   */
  public CompletionStage<JsonNode> ask(Object message, String idempotencyKey, Duration timeout) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(timeout, "timeout");
    return calls.tell(key, mapper.valueToTree(message), idempotencyKey, timeout);
  }

  /** As {@link #ask(Object)}, with the reply read as {@code replyType}. */
  public <R> CompletionStage<R> ask(Object message, Class<R> replyType) {
    return ask(message).thenApply(reply -> {
      try {
        return mapper.treeToValue(reply, replyType);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** The worker's state view ({@code WorkerType.view}); activates it if needed. */
  public CompletionStage<JsonNode> read() {
    return calls.read(key, calls.defaultTimeout());
  }

  @Override
  public String toString() {
    return "WorkerRef[" + key + "]";
  }
}
