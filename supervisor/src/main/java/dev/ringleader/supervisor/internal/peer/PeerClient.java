package dev.ringleader.supervisor.internal.peer;

import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.node.Timeouts;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.UndertowClient;
import io.undertow.connector.ByteBufferPool;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StringReadChannelListener;
import io.undertow.util.StringWriteChannelListener;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeoutException;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.XnioWorker;

/**
 * Asynchronous HTTP/1.1 to other nodes over Undertow's own client, with a pool of keep-alive
 * connections per peer. Nothing here blocks a thread; callbacks run on XNIO IO threads.
 *
 * <p>Bounds: at most {@link #MAX_IDLE} idle connections are kept per peer; a connection is used by
 * one request at a time; a request that takes longer than its timeout fails and its connection is
 * closed (so a late answer is never read as the answer to another request).
 */
public final class PeerClient implements Closeable {
  /** The largest body of a call between nodes (a replica batch, a handoff, a merge). */
  public static final int INTERNAL_MAX_BYTES = 8 * 1024 * 1024;

  static final int MAX_IDLE = 64;

  private final XnioWorker worker;
  private final ByteBufferPool buffers;
  /** The local address (any port) every new connection is made from; null lets the OS choose. */
  private final InetSocketAddress bindAddress;
  private final UndertowClient client = UndertowClient.getInstance();
  private final Map<String, ConcurrentLinkedDeque<ClientConnection>> idle = new ConcurrentHashMap<>();
  /** Parsed peer URLs, by base URL (parsing one per request shows in profiles). */
  private final Map<String, URI> uris = new ConcurrentHashMap<>();
  private final Map<String, HttpString> headerNames = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private final Timeouts timeouts;

  /**
   * With {@code bindAddress} null, the OS chooses the local address of each connection. A call that
   * times out fails on the node's executor ({@code timeouts}), so what follows runs there.
   */
  public PeerClient(XnioWorker worker, ByteBufferPool buffers, InetAddress bindAddress, Timeouts timeouts) {
    this.timeouts = timeouts;
    this.worker = worker;
    this.buffers = buffers;
    this.bindAddress = bindAddress == null ? null : new InetSocketAddress(bindAddress, 0);
  }

  /** Epoch milliseconds after which the receiver must not act on a request between nodes. */
  public static final String DEADLINE_HEADER = "X-Ringleader-Deadline";
  private static final HttpString DEADLINE = new HttpString(DEADLINE_HEADER);

  /**
   * Sends one request. Fails with {@link PeerUnreachableException} when the peer cannot be reached
   * or does not answer within {@code timeout}.
   */
  public CompletableFuture<PeerResponse> send(String baseUrl, HttpString method, String path,
      Map<String, String> headers, String body, Duration timeout) {
    CompletableFuture<PeerResponse> out = new CompletableFuture<>();
    // The receiver drops the request if it arrives after this instant: by then this node has given
    // up on it and may have acted otherwise (a provisional worker), so a late delivery — bytes held
    // by a partitioned network and delivered when it heals — must change nothing.
    String deadline = Long.toString(System.currentTimeMillis() + timeout.toMillis());
    if (closed) {
      out.completeExceptionally(new PeerUnreachableException("client closed", null));
      return out;
    }
    ClientConnection pooled = poll(baseUrl);
    if (pooled != null) {
      // A kept-alive connection may have been closed by the peer just now. If it fails before any
      // answer arrives, send once more on a new connection: every call between nodes is safe to
      // repeat (forwards carry an idempotency key, copies carry a version).
      CompletableFuture<PeerResponse> first = new CompletableFuture<>();
      // If the caller's timeout fires while the pooled attempt is still open, close that connection.
      out.whenComplete((r, e) -> {
        if (e != null && !first.isDone()) {
          IoUtils.safeClose(pooled);
        }
      });
      exchange(baseUrl, pooled, method, path, headers, body, deadline, first);
      first.whenComplete((r, e) -> {
        if (e instanceof StaleConnectionException) {
          connectAndSend(baseUrl, method, path, headers, body, deadline, out);
        } else if (e != null) {
          out.completeExceptionally(e);
        } else {
          out.complete(r);
        }
      });
    } else {
      connectAndSend(baseUrl, method, path, headers, body, deadline, out);
    }
    return timeouts.orTimeout(out, timeout).exceptionallyCompose(e -> {
      Throwable cause = ErrorResponses.unwrap(e);
      if (cause instanceof TimeoutException) {
        return CompletableFuture.failedFuture(new PeerUnreachableException(
            baseUrl + " did not answer within " + timeout.toMillis() + " ms", cause));
      }
      if (cause instanceof StaleConnectionException) {
        return CompletableFuture.failedFuture(new PeerUnreachableException(cause.getMessage(), cause));
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  private void connectAndSend(String baseUrl, HttpString method, String path, Map<String, String> headers,
      String body, String deadline, CompletableFuture<PeerResponse> out) {
    client.connect(new ClientCallback<>() {
      @Override
      public void completed(ClientConnection connection) {
        exchange(baseUrl, connection, method, path, headers, body, deadline, out);
      }

      @Override
      public void failed(IOException e) {
        out.completeExceptionally(new PeerUnreachableException(
            "cannot connect to " + baseUrl + ": " + e.getMessage(), e));
      }
    }, bindAddress, uri(baseUrl), worker, buffers, OptionMap.EMPTY);
  }

  /** A failure on a connection before any byte of an answer arrived. */
  private static final class StaleConnectionException extends IOException {
    StaleConnectionException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private URI uri(String baseUrl) {
    return uris.computeIfAbsent(baseUrl, URI::create);
  }

  private ClientConnection poll(String baseUrl) {
    ConcurrentLinkedDeque<ClientConnection> q = idle.get(baseUrl);
    if (q == null) {
      return null;
    }
    ClientConnection c;
    while ((c = q.pollFirst()) != null) {
      if (c.isOpen()) {
        return c;
      }
    }
    return null;
  }

  private void release(String baseUrl, ClientConnection c) {
    if (closed || !c.isOpen()) {
      IoUtils.safeClose(c);
      return;
    }
    ConcurrentLinkedDeque<ClientConnection> q = idle.computeIfAbsent(baseUrl, k -> new ConcurrentLinkedDeque<>());
    if (q.size() >= MAX_IDLE) {
      IoUtils.safeClose(c);
    } else {
      q.offerFirst(c);
    }
  }

  private void exchange(String baseUrl, ClientConnection connection, HttpString method, String path,
      Map<String, String> headers, String body, String deadline, CompletableFuture<PeerResponse> out) {
    // If the caller's timeout fires first, close the connection so it is never reused mid-answer.
    out.whenComplete((r, e) -> {
      if (e != null) {
        IoUtils.safeClose(connection);
      }
    });
    ClientRequest request = new ClientRequest().setMethod(method).setPath(path);
    request.getRequestHeaders().put(Headers.HOST, uri(baseUrl).getAuthority());
    String payload = body == null ? "" : body;
    request.getRequestHeaders().put(Headers.CONTENT_LENGTH,
        payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    if (body != null) {
      request.getRequestHeaders().put(Headers.CONTENT_TYPE, "application/json");
    }
    headers.forEach((k, v) -> request.getRequestHeaders().put(headerNames.computeIfAbsent(k, HttpString::new), v));
    request.getRequestHeaders().put(DEADLINE, deadline);
    // Undertow's client connection is not thread-safe: every operation on it runs on its own IO thread.
    connection.getIoThread().execute(() -> {
      try {
        sendOn(connection, request, baseUrl, payload, out);
      } catch (RuntimeException e) {
        // Undertow's client can throw here when the peer closed the connection a moment ago.
        IoUtils.safeClose(connection);
        out.completeExceptionally(new StaleConnectionException("cannot send to " + baseUrl + ": " + e, e));
      }
    });
  }

  private void sendOn(ClientConnection connection, ClientRequest request, String baseUrl, String payload,
      CompletableFuture<PeerResponse> out) {
    connection.sendRequest(request, new ClientCallback<>() {
      @Override
      public void completed(ClientExchange exchange) {
        exchange.setResponseListener(new ClientCallback<>() {
          @Override
          public void completed(ClientExchange result) {
            int status = result.getResponse().getResponseCode();
            String retryAfter = result.getResponse().getResponseHeaders().getFirst(Headers.RETRY_AFTER);
            new StringReadChannelListener(buffers) {
              @Override
              protected void stringDone(String string) {
                boolean reusable = !out.isDone();
                out.complete(new PeerResponse(status, string, retryAfter));
                if (reusable) {
                  // Back to the pool only after this exchange has fully completed on the connection's
                  // IO thread (the task runs after the current one); a send on it earlier could be lost.
                  connection.getIoThread().execute(() -> release(baseUrl, connection));
                }
              }

              @Override
              protected void error(IOException e) {
                out.completeExceptionally(new PeerUnreachableException(
                    "broken answer from " + baseUrl + ": " + e.getMessage(), e));
              }
            }.setup(result.getResponseChannel());
          }

          @Override
          public void failed(IOException e) {
            out.completeExceptionally(new StaleConnectionException(
                "no answer from " + baseUrl + ": " + e, e));
          }
        });
        new StringWriteChannelListener(payload).setup(exchange.getRequestChannel());
      }

      @Override
      public void failed(IOException e) {
        out.completeExceptionally(new StaleConnectionException("cannot send to " + baseUrl + ": " + e, e));
      }
    });
  }

  @Override
  public void close() {
    closed = true;
    idle.values().forEach(q -> q.forEach(IoUtils::safeClose));
    idle.clear();
  }
}
