package dev.ringleader.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ringleader.call.CallException;
import dev.ringleader.client.RingleaderClient;
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
 *
 * <p>With {@code --direct} every call (the score reads included) goes through {@link
 * RingleaderClient}, seeded with the URLs, straight to the ID's owner; the summary then shows that
 * no node forwarded anything ({@code ringleader_forwards_total} of every node before and after).
 */
final class LoadCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LoadCommand() {}

  static int run(String[] args) throws Exception {
    // --direct takes no value (Flags wants one for every other name).
    boolean directFlag = Arrays.asList(args).contains("--direct");
    Flags f = new Flags(Arrays.stream(args).filter(x -> !x.equals("--direct")).toArray(String[]::new));
    if (f.has("help")) {
      System.out.println("""
          load --url http://127.0.0.1:8081[,url...] [--type player|cache] [--ids 50] [--duration-s 10]
               [--max-requests 100000] [--concurrency 8] [--retry-ms 10000] [--prefix load] [--direct]
          Sends only to nodes whose /health answers 200 (like a load balancer); a failed request is
          retried with the same Idempotency-Key until --retry-ms; then it counts as failed.
          --direct: send through the Java client (ringleader-client), seeded with the URLs, to each
          ID's owner; the summary shows every node's ringleader_forwards_total before and after.""");
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
    RingleaderClient direct = null;
    if (directFlag) {
      direct = RingleaderClient.builder().seeds(urls).requestType("cache")
          .maxInFlight(Math.max(16, concurrency * 2)).build();
      direct.start();
    }
    final RingleaderClient client = direct;
    java.util.Map<String, Double> forwardsBefore = forwards(http, urls);

    long[] start = new long[ids];
    if (type.equals("player")) {
      for (int i = 0; i < ids; i++) {
        start[i] = client != null ? score(client, prefix + "-" + i, retryMs) : score(http, urls, prefix + "-" + i, retryMs);
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
          while (client != null && !done && System.currentTimeMillis() < giveUp) {
            try {
              if (type.equals("player")) {
                client.ask("player", prefix + "-" + i, java.util.Map.of("reward", reward), key,
                    Duration.ofMillis(Math.max(1, Math.min(15_000, giveUp - System.currentTimeMillis()))))
                    .toCompletableFuture().join();
              } else {
                client.request(prefix + "-" + i).toCompletableFuture().join();
              }
              done = true;
            } catch (java.util.concurrent.CompletionException e) {
              if (e.getCause() instanceof CallException c && !c.retryable()) {
                break; // a client error will not get better
              }
              retries.incrementAndGet(); // the client's own retries were used up: again, with the same key
            }
          }
          while (client == null && !done && System.currentTimeMillis() < giveUp) {
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
        long actual = client != null ? score(client, prefix + "-" + i, retryMs) : score(http, urls, prefix + "-" + i, retryMs);
        if (actual != expected) {
          lost++;
          System.out.println("MISMATCH " + prefix + "-" + i + ": score " + actual + ", expected " + expected);
        }
      }
    }
    if (client != null) {
      System.out.println("client: " + client.stats());
      client.close();
    }
    System.out.println("ringleader_forwards_total per node, before -> after: " + forwardsBefore + " -> "
        + forwards(http, urls));
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

  /** Each node's ringleader_forwards_total (the sum of its series), or -1 when it does not answer. */
  private static java.util.Map<String, Double> forwards(HttpClient http, String[] urls) {
    java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
    for (String url : urls) {
      double sum = -1;
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics"))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        sum = 0;
        for (String line : r.body().split("\n")) {
          if (line.startsWith("ringleader_forwards_total")) {
            sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          }
        }
      } catch (Exception e) {
        // not answering: -1
      }
      out.put(url, sum);
    }
    return out;
  }

  private static long score(RingleaderClient client, String id, long retryMs) {
    long giveUp = System.currentTimeMillis() + retryMs;
    while (true) {
      try {
        return client.read("player", id).toCompletableFuture().join().value().path("score").asLong();
      } catch (java.util.concurrent.CompletionException e) {
        if (System.currentTimeMillis() > giveUp || (e.getCause() instanceof CallException c && !c.retryable())) {
          throw new IllegalStateException("could not read the score of " + id + " through the client: " + e.getCause(), e);
        }
      }
    }
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
