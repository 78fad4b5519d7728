package dev.ringleader.supervisor.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import io.undertow.io.Receiver;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;

/**
 * Reads the JSON body of a request for {@link HttpApi}: bounded in size (413 before it is read when
 * the length is known, and while it is read otherwise) and in time (setting body-timeout-ms: a
 * body that does not arrive in time closes the connection), parsed once, answered with a JSON
 * error when it is not one JSON value.
 */
public final class BodyReader {
  private final Settings settings;

  BodyReader(Settings settings) {
    this.settings = settings;
  }

  /**
   * Largest body of an internal call: a copy, a merge, or a batch of copies. A sender cuts its
   * batches at {@link dev.ringleader.supervisor.internal.replication.Replication#BATCH Replication.BATCH} copies or this many bytes, whichever comes first (256
   * copies of 32 KB on average); a single state larger than this cannot be copied (its commit is
   * not acknowledged). Larger bodies get 413 before they are read.
   */
  public static final int INTERNAL_MAX_BYTES = PeerClient.INTERNAL_MAX_BYTES;

  void readJson(HttpServerExchange ex, int max, java.util.function.Consumer<JsonNode> then) {
    readJson(ex, max, false, then);
  }

  void readJson(HttpServerExchange ex, int max, boolean offIoThread,
      java.util.function.Consumer<JsonNode> then) {
    if (ex.getRequestContentLength() > max) {
      HttpApi.send(ex, tooLarge(max));
      return;
    }
    // Undertow's own default (MAX_ENTITY_SIZE, 2 MB since 2.3) would cut any larger body short with
    // its own 413; this call's limit is the one that holds.
    ex.setMaxEntitySize(max);
    ex.getRequestReceiver().setMaxBufferSize(max);
    // A body that does not arrive in time (a stalled or abandoned client) closes the connection.
    java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
    org.xnio.XnioExecutor.Key deadline = ex.getIoThread().executeAfter(() -> {
      if (settled.compareAndSet(false, true)) {
        org.xnio.IoUtils.safeClose(ex.getConnection());
      }
    }, settings.bodyTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    ex.getRequestReceiver().receiveFullBytes((e, bytes) -> {
      if (!settled.compareAndSet(false, true)) {
        return;
      }
      deadline.remove();
      if (offIoThread) {
        e.dispatch(() -> {
          try {
            parsed(e, bytes, then);
          } catch (RuntimeException failure) {
            HttpApi.send(e, ErrorResponses.of(failure));
          }
        });
      } else {
        parsed(e, bytes, then);
      }
    }, (Receiver.ErrorCallback) (e, error) -> {
      if (!settled.compareAndSet(false, true)) {
        return;
      }
      deadline.remove();
      HttpApi.send(e, error instanceof RequestTooBigException
          ? tooLarge(max)
          : ErrorResponses.of(CallError.BAD_REQUEST, "could not read the body: " + error.getMessage()));
    });
  }

  private static void parsed(HttpServerExchange ex, byte[] bytes, java.util.function.Consumer<JsonNode> then) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(bytes);
    } catch (Exception parse) {
      body = null;
    }
    if (body == null || body.isMissingNode()) {
      HttpApi.send(ex, ErrorResponses.of(CallError.BAD_JSON, "the body must be one JSON value, e.g. {\"reward\": 5}"));
      return;
    }
    then.accept(body);
  }

  static Answer tooLarge(int max) {
    return ErrorResponses.of(CallError.BODY_TOO_LARGE, "the body is larger than the limit of " + max
        + " bytes (setting max-body-bytes for worker messages; " + INTERNAL_MAX_BYTES + " for calls between nodes)");
  }
}
