package dev.ringleader.supervisor.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallError;
import dev.ringleader.call.CallException;
import dev.ringleader.supervisor.internal.activation.WorkerTypes;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.node.Timeouts;
import dev.ringleader.supervisor.internal.routing.Call;
import dev.ringleader.supervisor.internal.routing.Router;
import dev.ringleader.worker.WorkerCalls;
import dev.ringleader.worker.WorkerKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls from Java code on this member ({@link dev.ringleader.supervisor.WorkerRef#ask WorkerRef.ask}) and from handlers ({@code
 * WorkerContext.tell}): the same {@link Call} an HTTP request makes, through the same {@link Router}
 * (local when this node owns the ID, one forward otherwise), so both answer exactly as the HTTP API
 * does. An error answer becomes a {@link CallException} with the API's code.
 */
public final class NodeCalls implements WorkerCalls {
  private final Router router;
  private final WorkerTypes types;
  private final Timeouts timeouts;
  private final Duration defaultTimeout;
  /** Keys made up for calls without one: unique per process start and node. */
  private final String keyPrefix;
  private final AtomicLong keys = new AtomicLong();

  public NodeCalls(String node, Router router, WorkerTypes types, Timeouts timeouts, Duration defaultTimeout) {
    this.router = router;
    this.types = types;
    this.timeouts = timeouts;
    this.defaultTimeout = defaultTimeout;
    this.keyPrefix = "java-" + node + "-" + Long.toString(System.currentTimeMillis(), 36) + "-";
  }

  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  /** A message that may change the worker's state; completes with the handler's reply. */
  public CompletableFuture<JsonNode> tell(WorkerKey key, JsonNode message, String requestKey, Duration timeout) {
    if (requestKey != null && (requestKey.isEmpty() || requestKey.length() > 128)) {
      return CompletableFuture.failedFuture(new CallException(CallError.BAD_REQUEST,
          "an idempotency key must be 1-128 characters"));
    }
    String keyToUse = requestKey != null ? requestKey : keyPrefix + keys.incrementAndGet();
    return call(new Call(Call.Kind.TELL, key, message, keyToUse, -1), "reply", timeout);
  }

  /** The worker's state view. */
  public CompletableFuture<JsonNode> read(WorkerKey key, Duration timeout) {
    return call(new Call(Call.Kind.READ, key, null, null, -1), "state", timeout);
  }

  @Override
  public CompletionStage<JsonNode> tell(String type, String id, JsonNode message, String idempotencyKey) {
    return tell(new WorkerKey(type, id), message, idempotencyKey, defaultTimeout);
  }

  private CompletableFuture<JsonNode> call(Call call, String field, Duration timeout) {
    Answer bad = HttpApi.badKey(types, call.key().type(), call.key().id());
    if (bad != null) {
      return CompletableFuture.failedFuture(error(bad));
    }
    CompletableFuture<JsonNode> reply = router.route(call).thenApply(answer -> {
      if (answer.status() != 200) {
        throw error(answer);
      }
      return Json.read(answer.body()).path(field);
    });
    return timeouts.orTimeout(reply, timeout).exceptionallyCompose(e -> {
      Throwable cause = ErrorResponses.unwrap(e);
      return CompletableFuture.failedFuture(cause instanceof TimeoutException
          ? new CallException(CallError.TIMEOUT, CallError.TIMEOUT.status(), "no answer within " + timeout.toMillis()
              + " ms; retry with the same idempotency key to be safe", Duration.ofSeconds(1), null, null)
          : cause);
    });
  }

  /** The API's error answer as the exception the embedded API and the client throw. */
  static CallException error(Answer answer) {
    JsonNode body;
    try {
      body = Json.read(answer.body());
    } catch (RuntimeException unreadable) {
      return new CallException(CallError.INTERNAL, "status " + answer.status() + ": " + answer.text());
    }
    Duration after = answer.retryAfter() == null ? null : Duration.ofSeconds(Long.parseLong(answer.retryAfter()));
    JsonNode restarts = body.get("restarts");
    return new CallException(CallError.ofAnswer(body.path("error").asText(null), answer.status()), answer.status(),
        body.path("message").asText(""), after, restarts == null ? null : restarts.asInt(), null);
  }
}
