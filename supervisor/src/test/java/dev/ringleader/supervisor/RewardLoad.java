package dev.ringleader.supervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Clients that send {@code {"add": n}} to counters through random live nodes and record every
 * acknowledged addition. A request that fails is sent again with the same Idempotency-Key (to any
 * node) until acknowledged or until {@code retryFor} runs out; then it counts as failed, its effect
 * unknown. Bounded: at most {@code maxRequests} requests and until {@link #stop()}.
 */
final class RewardLoad {
  final Map<String, AtomicLong> acked = new ConcurrentHashMap<>();
  final AtomicLong ok = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong retries = new AtomicLong();
  /** The first errors seen (status, node, body), for assertion messages. */
  final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
  /** One acknowledged request: which node acknowledged it, between which client-side instants. */
  record Ack(String id, String node, long sentNanos, long ackedNanos) {}

  /** The last error each node answered. */
  private final Map<String, String> recent = new ConcurrentHashMap<>();

  private String lastErrors() {
    return recent.toString();
  }

  /** Every acknowledged request (bounded by maxRequests). */
  final List<Ack> acks = java.util.Collections.synchronizedList(new ArrayList<>());
  /** The longest time one request took until acknowledged, in ms. */
  final AtomicLong longestMs = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final String type;
  private final List<String> ids;
  private final Supplier<List<String>> urls;
  private final Duration retryFor;
  private final long maxRequests;

  RewardLoad(String type, List<String> ids, Supplier<List<String>> urls, Duration retryFor, long maxRequests) {
    this.type = type;
    this.ids = ids;
    this.urls = urls;
    this.retryFor = retryFor;
    this.maxRequests = maxRequests;
    ids.forEach(id -> acked.put(id, new AtomicLong()));
  }

  RewardLoad start(int clients) {
    String run = Long.toString(System.nanoTime(), 36);
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (running.get()) {
          long n = sent.incrementAndGet();
          if (n > maxRequests) {
            return;
          }
          String id = ids.get(rnd.nextInt(ids.size()));
          int add = rnd.nextInt(-3, 10);
          send(id, add, run + "-" + n, rnd);
        }
      }, "reward-client-" + c);
      t.start();
      threads.add(t);
    }
    return this;
  }

  private void send(String id, int add, String key, ThreadLocalRandom rnd) {
    long start = System.nanoTime();
    long giveUp = start + retryFor.toNanos();
    while (System.nanoTime() < giveUp) {
      List<String> live = urls.get();
      String url = live.get(rnd.nextInt(live.size()));
      long sent = System.nanoTime();
      Http.Reply r = Http.post(url + "/workers/" + type + "/" + id, "{\"add\":" + add + "}", key);
      if (r.status() == 200) {
        acks.add(new Ack(id, r.json().get("node").asText(), sent, System.nanoTime()));
        acked.get(id).addAndGet(add);
        ok.incrementAndGet();
        longestMs.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
        return;
      }
      if (r.status() >= 400 && r.status() < 500 && r.status() != 421) {
        throw new AssertionError("client error from " + url + ": " + r.body());
      }
      retries.incrementAndGet();
      if (errors.size() < 20) {
        errors.add(r.status() + " from " + url + ": " + r.body());
      }
      recent.put(url, r.status() + " " + r.body());
      Thread.onSpinWait();
    }
    failed.incrementAndGet();
  }

  void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(retryFor.toMillis() + 20_000);
    }
  }

  /** Every request was acknowledged, and each ID's total read through {@code url} is the sum of its acknowledged additions. */
  void assertTotalsEqualAcknowledged(String url) {
    org.junit.jupiter.api.Assertions.assertEquals(0, failed.get(), "every request acknowledged in the end: " + errors);
    for (Map.Entry<String, AtomicLong> e : acked.entrySet()) {
      Http.Reply r = Http.get(url + "/workers/" + type + "/" + e.getKey());
      org.junit.jupiter.api.Assertions.assertEquals(200, r.status(), r.body());
      org.junit.jupiter.api.Assertions.assertEquals(e.getValue().get(), r.json().at("/state/total").asLong(),
          "the total of " + e.getKey() + " equals the sum of its acknowledged additions");
    }
  }

  /** Waits until at least {@code n} requests were acknowledged (a deadline, not a sleep). */
  void awaitAcked(long n, Duration timeout) {
    try {
      Await.until(n + " acknowledged requests", timeout, () -> ok.get() >= n);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " (have " + ok.get() + "; the last error from each node: "
          + lastErrors() + ")", e);
    }
  }
}
