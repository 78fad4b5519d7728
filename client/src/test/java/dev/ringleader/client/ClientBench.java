package dev.ringleader.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A quick bench, not a test: requests/s of reads ({@code GET /workers/player/{id}}, 50 hot IDs) and
 * writes ({@code POST} a reward) with 32 in flight, four ways: the client (Undertow's client, straight
 * to the owner); the JDK HttpClient's {@code sendAsync} straight to the owner (same owner, same
 * epoch header); and both through one entry node that forwards what it does not own.
 *
 * <pre>java -cp ... dev.ringleader.client.ClientBench http://127.0.0.1:18181 http://127.0.0.1:18182 ... [seconds]</pre>
 */
public final class ClientBench {
  private static final int IN_FLIGHT = 32;

  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(System.getProperty("seconds", "5"));
    String entry = args[0];
    try (RingleaderClient client = RingleaderClient.builder().seeds(args).maxInFlight(IN_FLIGHT * 2).build()) {
      client.start();
      HttpClient jdk = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
      Transport undertow = new Transport(1, timer);
      Map<String, String> urls = new java.util.HashMap<>();
      Snapshot s = ((RingView) field(client, "ring")).current();
      s.members().forEach((n, m) -> urls.put(n, m.url()));
      String epoch = Long.toString(client.ringEpoch());
      for (String kind : new String[] {"read", "write"}) {
        boolean write = kind.equals("write");
        run(kind + ", RingleaderClient (Undertow client), direct to owner", seconds, id -> (write
            ? client.ask("player", id, Map.of("reward", 1)) : client.read("player", id)).toCompletableFuture());
        run(kind + ", JDK HttpClient.sendAsync, direct to owner", seconds, id -> jdk.sendAsync(
            request(urls.get(client.owner("player", id).orElseThrow()), id, write).header("X-Ringleader-Epoch", epoch)
                .build(), HttpResponse.BodyHandlers.ofString()).thenApply(ClientBench::ok));
        run(kind + ", Undertow client, through entry node " + entry, seconds, id -> undertow.send(entry,
            write ? "POST" : "GET", "/workers/player/" + id, Map.of(), write ? "{\"reward\":1}" : null,
            Duration.ofSeconds(5)).thenApply(a -> { if (!a.ok()) throw new IllegalStateException(a.toString()); return a; }));
        run(kind + ", JDK HttpClient.sendAsync, through entry node " + entry, seconds, id -> jdk.sendAsync(
            request(entry, id, write).build(), HttpResponse.BodyHandlers.ofString()).thenApply(ClientBench::ok));
      }
      undertow.close();
      timer.shutdown();
      System.out.println("client stats: " + client.stats());
    }
  }

  private static Object field(Object o, String name) throws Exception {
    var f = o.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(o);
  }

  private static HttpRequest.Builder request(String url, String id, boolean write) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/workers/player/" + id)).timeout(Duration.ofSeconds(5));
    return write ? b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"reward\":1}")) : b.GET();
  }

  private static HttpResponse<String> ok(HttpResponse<String> r) {
    if (r.statusCode() != 200) {
      throw new IllegalStateException(r.statusCode() + " " + r.body());
    }
    return r;
  }

  private static void run(String what, int seconds, Function<String, CompletableFuture<?>> call) throws Exception {
    for (int pass = 0; pass < 2; pass++) { // pass 0 warms up for 1 s
      long end = System.nanoTime() + (pass == 0 ? 1_000_000_000L : seconds * 1_000_000_000L);
      Semaphore slots = new Semaphore(IN_FLIGHT);
      AtomicLong done = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long t0 = System.nanoTime();
      int k = 0;
      while (System.nanoTime() < end) {
        slots.acquire();
        call.apply("bench-" + (k++ % 50)).whenComplete((r, e) -> {
          (e == null ? done : failed).incrementAndGet();
          slots.release();
        });
      }
      slots.acquire(IN_FLIGHT);
      double secs = (System.nanoTime() - t0) / 1e9;
      if (pass == 1) {
        System.out.printf("%-75s %8.0f req/s  (%d ok, %d failed)%n", what, done.get() / secs, done.get(), failed.get());
      }
    }
  }
}
