package dev.ringleader.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code load}: a bounded load of {@code player} rewards (or {@code cache} requests) spread over the
 * given node URLs, then a check that every player's score equals its starting score plus the sum of
 * its acknowledged rewards. A reward that fails is retried with the same Idempotency-Key until it is
 * acknowledged or its retry budget runs out; such a reward counts as failed.
 */
final class LoadCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LoadCommand() {}

  static int run(String[] args) throws Exception {
    Flags f = new Flags(args);
    if (f.has("help")) {
      System.out.println("""
          load --url http://127.0.0.1:8081[,url...] [--type player|cache] [--ids 50] [--duration-s 10]
               [--max-requests 100000] [--concurrency 8] [--retry-ms 10000] [--prefix load]
          Sends only to nodes whose /health answers 200 (like a load balancer); a failed request is
          retried with the same Idempotency-Key until --retry-ms; then it counts as failed.""");
      return 0;
    }
    String[] urls = f.get("url", "http://127.0.0.1:8081").split(",");
    String type = f.get("type", "player");
    int ids = f.integer("ids", 50);
    long durationMs = f.integer("duration-s", 10) * 1000L;
    long maxRequests = f.integer("max-requests", 100_000);
    int concurrency = f.integer("concurrency", 8);
    long retryMs = f.integer("retry-ms", 10_000);
    String prefix = f.get("prefix", "load");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    long[] start = new long[ids];
    if (type.equals("player")) {
      for (int i = 0; i < ids; i++) {
        start[i] = score(http, urls, prefix + "-" + i, retryMs);
      }
    }
    AtomicLongArray acked = new AtomicLongArray(ids);
    AtomicLong sent = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong retries = new AtomicLong();
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    long deadline = System.currentTimeMillis() + durationMs;
    String run = Long.toString(System.nanoTime(), 36);
    // Like a load balancer: send only to nodes whose /health answers 200 (polled every 100 ms).
    java.util.concurrent.atomic.AtomicReference<String[]> healthy = new java.util.concurrent.atomic.AtomicReference<>(urls);
    Thread health = new Thread(() -> {
      while (System.currentTimeMillis() < deadline + retryMs) {
        List<String> ok2 = new ArrayList<>();
        for (String u : urls) {
          try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(u + "/health"))
                .timeout(Duration.ofMillis(500)).GET().build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 200) {
              ok2.add(u);
            }
          } catch (Exception e) {
            // not healthy
          }
        }
        healthy.set(ok2.isEmpty() ? urls : ok2.toArray(String[]::new));
        sleepQuietly(100);
      }
    }, "health");
    health.setDaemon(true);
    health.start();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    for (int t = 0; t < concurrency; t++) {
      pool.execute(() -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (System.currentTimeMillis() < deadline) {
          long n = sent.incrementAndGet();
          if (n > maxRequests) {
            break;
          }
          int i = rnd.nextInt(ids);
          int reward = rnd.nextInt(-3, 10);
          String key = run + "-" + n; // unique per request: a shared counter read once

          long t0 = System.nanoTime();
          long giveUp = System.currentTimeMillis() + retryMs;
          boolean done = false;
          while (!done && System.currentTimeMillis() < giveUp) {
            String[] live = healthy.get();
            String url = live[rnd.nextInt(live.length)];
            try {
              HttpRequest.Builder b = type.equals("player")
                  ? HttpRequest.newBuilder(URI.create(url + "/workers/player/" + prefix + "-" + i))
                      .header("Idempotency-Key", key).header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString("{\"reward\":" + reward + "}"))
                  : HttpRequest.newBuilder(URI.create(url + "/request/" + prefix + "-" + i)).GET();
              HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(5)).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                done = true;
              } else if (r.statusCode() < 500 && r.statusCode() != 421) {
                break; // a client error will not get better
              }
            } catch (Exception e) {
              // connection refused or timed out: retry with the same key
            }
            if (!done) {
              retries.incrementAndGet();
              sleepQuietly(100);
            }
          }
          if (done) {
            ok.incrementAndGet();
            if (type.equals("player")) {
              acked.addAndGet(i, reward);
            }
            latencies.add(System.nanoTime() - t0);
          } else {
            failed.incrementAndGet();
          }
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(durationMs + retryMs + 30_000, TimeUnit.MILLISECONDS);
    long lost = 0;
    if (type.equals("player")) {
      for (int i = 0; i < ids; i++) {
        long expected = start[i] + acked.get(i);
        long actual = score(http, urls, prefix + "-" + i, retryMs);
        if (actual != expected) {
          lost++;
          System.out.println("MISMATCH " + prefix + "-" + i + ": score " + actual + ", expected " + expected);
        }
      }
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf("requests %d, acknowledged %d, failed %d, retries %d, players with lost or extra updates %d%n",
        ok.get() + failed.get(), ok.get(), failed.get(), retries.get(), lost);
    if (sorted.length > 0) {
      System.out.printf("latency ms: p50 %.1f, p99 %.1f, max %.1f%n", pct(sorted, 0.5), pct(sorted, 0.99),
          sorted[sorted.length - 1] / 1e6);
    }
    return failed.get() == 0 && lost == 0 ? 0 : 1;
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
  }

  private static long score(HttpClient http, String[] urls, String id, long retryMs) throws InterruptedException {
    long giveUp = System.currentTimeMillis() + retryMs;
    while (System.currentTimeMillis() < giveUp) {
      for (String url : urls) {
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/workers/player/" + id))
              .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            JsonNode n = JSON.readTree(r.body());
            return n.path("state").path("score").asLong();
          }
        } catch (Exception e) {
          // try the next node
        }
      }
      sleepQuietly(200);
    }
    throw new IllegalStateException("could not read the score of " + id + " from " + Arrays.toString(urls));
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
