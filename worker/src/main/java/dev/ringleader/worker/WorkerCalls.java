package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How a handler reaches other workers ({@link WorkerContext#tell}): the supervisor routes the
 * message as a client's call. One hook, one purpose; must not block.
 */
@FunctionalInterface
public interface WorkerCalls {
  /** Routes {@code message} to worker {@code type}/{@code id}; completes with its reply. */
  CompletionStage<JsonNode> tell(String type, String id, JsonNode message, String idempotencyKey);

  /** No other workers can be reached (a runtime without a cluster, e.g. in tests). */
  static WorkerCalls none() {
    return (type, id, message, key) -> CompletableFuture.failedFuture(
        new UnsupportedOperationException("this worker runtime cannot reach other workers"));
  }
}
