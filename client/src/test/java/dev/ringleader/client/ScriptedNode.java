package dev.ringleader.client;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-node "cluster" over real HTTP on loopback whose worker answers follow a script, to test
 * the client's retry rules exactly: {@code GET /cluster} names this node as the only member (ring
 * epoch {@link #epoch}); each {@code POST /workers/...} takes the next scripted answer (the last one
 * repeats) and records the Idempotency-Key and epoch headers it came with.
 */
final class ScriptedNode implements AutoCloseable {
  /** One scripted answer; status 0 holds the request unanswered. */
  record Answer(int status, String body, String retryAfter) {
    static Answer ok(String reply) {
      return new Answer(200, "{\"type\":\"score\",\"id\":\"x\",\"node\":\"s1\",\"reply\":" + reply + "}", null);
    }

    static Answer error(int status, String code, String retryAfter) {
      return new Answer(status, "{\"error\":\"" + code + "\",\"message\":\"scripted " + code + "\"}", retryAfter);
    }

    static final Answer HOLD = new Answer(0, null, null);
  }

  final int port = Nodes.freePort();
  final String url = "http://127.0.0.1:" + port;
  volatile long epoch = 1;
  final List<String> keys = new CopyOnWriteArrayList<>();
  final List<String> epochs = new CopyOnWriteArrayList<>();
  final AtomicInteger clusterGets = new AtomicInteger();
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private volatile Answer last = Answer.ok("{\"score\":1}");
  private final Undertow server;

  ScriptedNode() {
    server = Undertow.builder().addHttpListener(port, "127.0.0.1").setIoThreads(1).setWorkerThreads(2)
        .setHandler(this::handle).build();
    server.start();
  }

  /** The next answers, in order; the last one repeats. */
  void script(Answer... answers) {
    script.clear();
    script.addAll(List.of(answers));
  }

  private void handle(HttpServerExchange ex) {
    if (ex.getRequestPath().equals("/cluster")) {
      clusterGets.incrementAndGet();
      send(ex, 200, "{\"cluster\":\"scripted\",\"node\":\"s1\",\"ring\":{\"epoch\":" + epoch
          + ",\"vnodes\":10,\"members\":[{\"node\":\"s1\",\"weight\":1}]},\"members\":[{\"node\":\"s1\",\"url\":\""
          + url + "\",\"status\":\"up\"}]}", null);
      return;
    }
    keys.add(String.valueOf(ex.getRequestHeaders().getFirst("Idempotency-Key")));
    epochs.add(String.valueOf(ex.getRequestHeaders().getFirst("X-Ringleader-Epoch")));
    Answer next = script.poll();
    if (next == null) {
      next = last;
    } else {
      last = next;
    }
    if (next.status() == 0) {
      ex.dispatch(SameThreadExecutor.INSTANCE, () -> { }); // never answered
      return;
    }
    send(ex, next.status(), next.body(), next.retryAfter());
  }

  int posts() {
    return keys.size();
  }

  private static void send(HttpServerExchange ex, int status, String body, String retryAfter) {
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    if (retryAfter != null) {
      ex.getResponseHeaders().put(new HttpString("Retry-After"), retryAfter);
    }
    ex.getResponseSender().send(body, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop();
  }
}
