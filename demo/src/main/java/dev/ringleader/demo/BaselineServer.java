package dev.ringleader.demo;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bench baseline --port 8180}: the benchmark's baseline, the fastest an HTTP request can be
 * served on this machine. A plain Undertow server that answers every request with the same small
 * JSON document, written from the IO thread (no dispatch, no parsing, no routing).
 *
 * <p>Threads match a node's HTTP server: Undertow's default IO threads (max(cores, 2), so 2 on a
 * 2-core machine) and 4 worker threads (unused here, as a node's are for these requests), in one
 * JVM started with the same {@code -Xmx} as a node. Runs until the process is stopped.
 */
final class BaselineServer {
  /** About the size of a node's answer to {@code GET /workers/player/{id}}. */
  static final byte[] BODY = "{\"type\":\"player\",\"id\":\"hot-4242\",\"node\":\"baseline\",\"state\":{\"score\":1}}"
      .getBytes(StandardCharsets.UTF_8);

  private BaselineServer() {}

  static int run(String[] args) throws InterruptedException {
    Flags f = new Flags(args);
    int port = f.integer("port", 8180);
    Undertow server = Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setWorkerThreads(4)
        .setHandler(ex -> {
          ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
          ex.getResponseSender().send(ByteBuffer.wrap(BODY));
        })
        .build();
    try {
      server.start();
    } catch (RuntimeException e) {
      System.err.println("baseline: cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      stopped.countDown();
    }, "shutdown"));
    System.out.println("baseline on http://127.0.0.1:" + port);
    stopped.await();
    return Integer.MIN_VALUE; // the JVM is exiting already
  }
}
