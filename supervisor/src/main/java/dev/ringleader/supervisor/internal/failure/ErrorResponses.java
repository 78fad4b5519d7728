package dev.ringleader.supervisor.internal.failure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.worker.BadMessageException;
import dev.ringleader.worker.WorkerFailure;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: {@code {"error": code, "message": what to do}}
 * with the status of the {@link CallError}, and Retry-After on retryable ones.
 */
public final class ErrorResponses {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  public static Answer of(CallError failure, String message) {
    return of(new RingleaderException(failure, message));
  }

  public static Answer of(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof RingleaderException r) {
      return answer(r.failure, r.getMessage(), r.retryAfter, r.detail);
    }
    if (e instanceof BadMessageException b) {
      return answer(CallError.BAD_MESSAGE, b.getMessage(), null, null);
    }
    if (e instanceof WorkerFailure w) {
      ObjectNode detail = Json.object().put("restarts", w.restarts());
      return switch (w.kind()) {
        case CRASHED -> answer(CallError.WORKER_CRASHED, w.getMessage(), null, detail);
        case BACKOFF -> answer(CallError.WORKER_BACKOFF, w.getMessage(), w.retryAfter(), detail);
        case MAILBOX_FULL -> answer(CallError.MAILBOX_FULL, w.getMessage(), Duration.ofSeconds(1), null);
        // A commit this node refused itself says why in its own words (e.g. detached_log_full).
        case NOT_ACKNOWLEDGED -> w.getCause() instanceof RingleaderException r
            ? answer(r.failure, r.getMessage(), r.retryAfter, r.detail)
            : answer(CallError.NOT_ACKNOWLEDGED, w.getMessage(), Duration.ofSeconds(1), null);
        case STOPPED -> answer(CallError.NOT_SERVING, w.getMessage(), Duration.ofSeconds(1), null);
      };
    }
    if (e instanceof TimeoutException) {
      return answer(CallError.TIMEOUT, "the worker did not answer in time; retry with the same "
          + "Idempotency-Key header to be safe", Duration.ofSeconds(1), null);
    }
    log.error("unexpected failure", e);
    return answer(CallError.INTERNAL, "internal error: " + e, null, null);
  }

  private static Answer answer(CallError f, String message, Duration retryAfter, Object detail) {
    if (f.isClientSide()) {
      // unreachable / too_many_calls are the client's own verdicts: a node never answers with them.
      log.error("a node may not answer with the client-side failure {}: {}", f.code(), message);
      return answer(CallError.INTERNAL, "internal error: " + f.code() + ": " + message, null, null);
    }
    ObjectNode body = Json.object().put("error", f.code()).put("message", message);
    if (detail instanceof ObjectNode extra) {
      body.setAll(extra);
    }
    String after = null;
    if (f.retryable()) {
      long seconds = retryAfter == null ? 1 : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
      after = Long.toString(seconds);
      body.put("retryAfterSeconds", seconds);
    }
    return new Answer(f.status(), Json.bytes(body), after);
  }

  public static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
