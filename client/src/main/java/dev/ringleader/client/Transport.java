package dev.ringleader.client;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.UndertowClient;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StringReadChannelListener;
import io.undertow.util.StringWriteChannelListener;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * Asynchronous HTTP/1.1 over Undertow's own client (the one the nodes forward with), with
 * keep-alive connections per node. Nothing here blocks a thread; Undertow's callbacks run on the
 * client's XNIO IO threads, and every operation on a connection runs on that connection's IO thread.
 *
 * <p>Bounds: at most {@link #MAX_CONNECTIONS} connections per node, each carrying one request at a
 * time; further requests wait in that node's queue (itself bounded by the client's calls in flight)
 * and take the next connection released. A request that passes its timeout fails with {@link
 * TransportException} and its connection is closed, so a late answer is never read as another's.
 *
 * <p>Locks: each node's {@link Pool} is guarded by its own monitor, held only to move connections
 * and waiters in and out, never while calling Undertow.
 */
final class Transport implements Closeable {
  /** Connections to one node, at most. */
  static final int MAX_CONNECTIONS = 64;

  private final XnioWorker worker;
  private final ByteBufferPool buffers = new DefaultByteBufferPool(false, 16 * 1024);
  private final UndertowClient client = UndertowClient.getInstance();
  private final ScheduledExecutorService timer;
  private final Map<String, Pool> pools = new ConcurrentHashMap<>();
  private final Map<String, HttpString> headerNames = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** A request could not be sent, or its answer did not arrive in time. */
  static final class TransportException extends IOException {
    private static final long serialVersionUID = 1L;
    /** True when the node did not answer in time (slow or silent), false when it refused or broke the connection. */
    final boolean timedOut;

    TransportException(String message, boolean timedOut, Throwable cause) {
      super(message, cause);
      this.timedOut = timedOut;
    }
  }

  /** {@code ioThreads} XNIO IO threads (daemon); timeouts fire on {@code timer}. */
  Transport(int ioThreads, ScheduledExecutorService timer) {
    this.timer = timer;
    try {
      worker = Xnio.getInstance(Transport.class.getClassLoader()).createWorker(OptionMap.builder()
          .set(Options.WORKER_IO_THREADS, ioThreads)
          .set(Options.WORKER_TASK_CORE_THREADS, 1)
          .set(Options.WORKER_TASK_MAX_THREADS, 1)
          .set(Options.THREAD_DAEMON, true)
          .set(Options.WORKER_NAME, "ringleader-client")
          .set(Options.TCP_NODELAY, true)
          .getMap());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the client's IO threads: " + e, e);
    }
  }

  /**
   * Sends one request to {@code base} (a node's client URL). Completes with any HTTP answer, or
   * fails with {@link TransportException} when the node cannot be reached or does not answer
   * within {@code timeout}.
   */
  CompletableFuture<HttpAnswer> send(String base, String method, String path, Map<String, String> headers,
      String body, Duration timeout) {
    CompletableFuture<HttpAnswer> out = new CompletableFuture<>();
    if (closed) {
      out.completeExceptionally(new TransportException("the client is closed", false, null));
      return out;
    }
    ScheduledFuture<?> deadline = timer.schedule(() -> out.completeExceptionally(new TransportException(
        base + " did not answer within " + timeout.toMillis() + " ms", true, null)), timeout.toNanos(),
        TimeUnit.NANOSECONDS);
    out.whenComplete((a, e) -> deadline.cancel(false));
    ClientRequest request = new ClientRequest().setMethod(HttpString.tryFromString(method)).setPath(path);
    Pool pool = pools.computeIfAbsent(base, Pool::new);
    request.getRequestHeaders().put(Headers.HOST, pool.uri.getAuthority());
    String payload = body == null ? "" : body;
    request.getRequestHeaders().put(Headers.CONTENT_LENGTH, payload.getBytes(StandardCharsets.UTF_8).length);
    if (body != null) {
      request.getRequestHeaders().put(Headers.CONTENT_TYPE, "application/json");
    }
    headers.forEach((k, v) -> request.getRequestHeaders().put(headerNames.computeIfAbsent(k, HttpString::new), v));
    pool.acquire(new Pending(request, payload, out));
    return out;
  }

  /** A request waiting for, or holding, a connection. */
  private record Pending(ClientRequest request, String payload, CompletableFuture<HttpAnswer> out) {}

  /** The connections to one node: idle ones, how many are open, and the requests waiting for one. */
  private final class Pool {
    final String base;
    final URI uri;
    /** Guarded by this. */
    private final ArrayDeque<ClientConnection> idle = new ArrayDeque<>();
    /** Guarded by this. */
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    /** Connections open or being opened; guarded by this; at most {@link #MAX_CONNECTIONS}. */
    private int open;

    Pool(String base) {
      this.base = base;
      this.uri = URI.create(base);
    }

    void acquire(Pending p) {
      ClientConnection c = null;
      boolean connect = false;
      synchronized (this) {
        while ((c = idle.pollFirst()) != null && !c.isOpen()) {
          // closed while idle: its close listener counted it out
        }
        if (c == null) {
          if (open < MAX_CONNECTIONS) {
            open++;
            connect = true;
          } else {
            waiting.addLast(p);
            return;
          }
        }
      }
      if (connect) {
        connect(p);
      } else {
        exchange(c, p, true);
      }
    }

    private void connect(Pending p) {
      client.connect(new ClientCallback<>() {
        @Override
        public void completed(ClientConnection connection) {
          // Every way a connection ends (closed by us, by the node, or broken) counts it out once.
          connection.addCloseListener(c -> lost());
          exchange(connection, p, false);
        }

        @Override
        public void failed(IOException e) {
          lost();
          p.out.completeExceptionally(new TransportException("cannot connect to " + base + ": " + e.getMessage(),
              false, e));
        }
      }, uri, worker, buffers, OptionMap.EMPTY);
    }

    /** A connection closed, or never opened: count it out and let a waiter open a new one. */
    private void lost() {
      Pending next;
      synchronized (this) {
        open--;
        next = nextWaiter();
        if (next != null) {
          open++;
        }
      }
      if (next != null) {
        connect(next);
      }
    }

    /** The first waiting request whose caller still waits (guarded by this). */
    private Pending nextWaiter() {
      Pending p;
      while ((p = waiting.pollFirst()) != null && p.out.isDone()) {
        // gave up while waiting
      }
      return p;
    }

    /** After a complete exchange: the connection goes to the next waiter, or back to idle. */
    void release(ClientConnection c) {
      if (closed || !c.isOpen()) {
        IoUtils.safeClose(c);
        return;
      }
      Pending next;
      synchronized (this) {
        next = nextWaiter();
        if (next == null) {
          idle.addFirst(c);
          return;
        }
      }
      exchange(c, next, true);
    }

    private void exchange(ClientConnection connection, Pending p, boolean pooled) {
      // If the caller's timeout fires first, close the connection so that it is never reused mid-answer.
      p.out.whenComplete((r, e) -> {
        if (e != null && connection.isOpen()) {
          IoUtils.safeClose(connection);
        }
      });
      connection.getIoThread().execute(() -> {
        if (p.out.isDone()) { // timed out meanwhile: the connection was closed above
          return;
        }
        try {
          sendOn(connection, p, pooled);
        } catch (RuntimeException e) {
          broken(connection, p, pooled, e);
        }
      });
    }

    /**
     * A connection failed before any answer. A kept-alive one may have been closed by the node a
     * moment ago: the request is sent once more on a new connection (no answer arrived, and every
     * write carries an Idempotency-Key). A new one that fails is the node's failure.
     */
    private void broken(ClientConnection connection, Pending p, boolean pooled, Throwable e) {
      IoUtils.safeClose(connection);
      if (pooled && !p.out.isDone() && !closed) {
        synchronized (this) {
          open++;
        }
        connect(p);
      } else {
        p.out.completeExceptionally(new TransportException("no answer from " + base + ": " + e, false, e));
      }
    }

    private void sendOn(ClientConnection connection, Pending p, boolean pooled) {
      connection.sendRequest(p.request, new ClientCallback<>() {
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
                  boolean reusable = !p.out.isDone();
                  p.out.complete(new HttpAnswer(status, string, retryAfter));
                  if (reusable) {
                    // Reused only after this exchange has fully completed on the IO thread.
                    connection.getIoThread().execute(() -> release(connection));
                  }
                }

                @Override
                protected void error(IOException e) {
                  IoUtils.safeClose(connection);
                  p.out.completeExceptionally(new TransportException("broken answer from " + base + ": "
                      + e.getMessage(), false, e));
                }
              }.setup(result.getResponseChannel());
            }

            @Override
            public void failed(IOException e) {
              broken(connection, p, pooled, e);
            }
          });
          new StringWriteChannelListener(p.payload).setup(exchange.getRequestChannel());
        }

        @Override
        public void failed(IOException e) {
          broken(connection, p, pooled, e);
        }
      });
    }

    void close() {
      ArrayDeque<Pending> dropped;
      synchronized (this) {
        idle.forEach(IoUtils::safeClose);
        idle.clear();
        dropped = new ArrayDeque<>(waiting);
        waiting.clear();
      }
      dropped.forEach(p -> p.out.completeExceptionally(new TransportException("the client is closed", false, null)));
    }
  }

  @Override
  public void close() {
    closed = true;
    pools.values().forEach(Pool::close);
    worker.shutdown();
  }
}
