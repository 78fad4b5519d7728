package dev.ringleader.supervisor.internal.http;

import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.RingleaderNode;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.StartupException;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.net.BindException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP listener (Undertow): bounds for slow or broken clients, a JSON {@code 503} while
 * the node is not wired yet and while it drains after a leave, the API's handler otherwise.
 */
public final class HttpServer {
  /** The node's logger: these lines read as the node's own. */
  private static final Logger log = LoggerFactory.getLogger(RingleaderNode.class);

  private final Settings settings;
  private final Undertow http;

  /**
   * @param handler the API's handler once the node is wired; null before (requests get 503)
   * @param closed true once the node has left the cluster and drains
   */
  public HttpServer(Settings settings, String id, Supplier<HttpHandler> handler, BooleanSupplier closed) {
    this.settings = settings;
    this.http = Undertow.builder()
        .addHttpListener(settings.port(), settings.host())
        .setWorkerThreads(4)
        // Bounds for slow or broken clients: a request's headers must arrive within 5 s of its first
        // byte (bodies: body-timeout-ms, enforced in BodyReader), an idle keep-alive lasts 60 s.
        .setServerOption(io.undertow.UndertowOptions.REQUEST_PARSE_TIMEOUT, 5_000)
        .setServerOption(io.undertow.UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
        .setHandler(exchange -> {
          HttpHandler h = handler.get();
          if (h == null) {
            HttpApi.send(exchange, ErrorResponses.of(CallError.NOT_SERVING, "node " + id + " is starting; retry shortly"));
          } else if (closed.getAsBoolean()) {
            // Draining after a leave: the JSON error of the API (Undertow's drain would answer an
            // empty 503 without Retry-After).
            HttpApi.send(exchange, ErrorResponses.of(CallError.NOT_SERVING, "node " + id
                + " has left the cluster and is finishing its last requests; retry on another node"));
          } else {
            h.handleRequest(exchange);
          }
        })
        .build();
  }

  public void start() {
    try {
      http.start();
    } catch (RuntimeException e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      if (c instanceof BindException) {
        throw new StartupException("cannot listen on " + settings.host() + ":" + settings.port() + ": "
            + c.getMessage() + " (settings --host, --port)", e);
      }
      throw new StartupException("cannot start HTTP on " + settings.host() + ":" + settings.port() + ": " + c, e);
    }
  }

  public void stop() {
    try {
      http.stop();
    } catch (RuntimeException e) {
      log.debug("stopping HTTP", e);
    }
  }
}
