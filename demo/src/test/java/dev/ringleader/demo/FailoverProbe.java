package dev.ringleader.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 13's measurement, as a test harness: rewards flow to a victim node's busy IDs through the
 * other nodes (each retried with its key until acknowledged: exactly once), and after the victim is
 * killed each ID is polled through the survivors every 50 ms until it answers again. Records, per ID,
 * the acknowledged sum (the recorded history to check the scores against) and when it answered again.
 */
final class FailoverProbe implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> ids;
  private final List<String> entries;
  private final Map<String, AtomicLong> acknowledged = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong sent = new AtomicLong();
  private final List<Thread> writers = new ArrayList<>();
  final AtomicLong failed = new AtomicLong();

  /** Starts {@code writers} threads rewarding {@code ids} through {@code entries} (node URLs). */
  FailoverProbe(List<String> ids, List<String> entries, int writers, String run) {
    this.ids = List.copyOf(ids);
    this.entries = List.copyOf(entries);
    ids.forEach(id -> acknowledged.put(id, new AtomicLong()));
    for (int w = 0; w < writers; w++) {
      Thread t = new Thread(() -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (running.get()) {
          String id = ids.get(rnd.nextInt(ids.size()));
          int n = rnd.nextInt(1, 10);
          if (rewardUntilAcknowledged(id, n, run + "-" + sent.incrementAndGet(), Duration.ofSeconds(30))) {
            acknowledged.get(id).addAndGet(n);
          } else {
            failed.incrementAndGet();
          }
        }
      }, "failover-writer-" + w);
      t.start();
      this.writers.add(t);
    }
  }

  private boolean rewardUntilAcknowledged(String id, int n, String key, Duration retryFor) {
    long giveUp = System.nanoTime() + retryFor.toNanos();
    int attempt = 0;
    while (System.nanoTime() < giveUp) {
      String url = entries.get(attempt++ % entries.size());
      try {
        HttpResponse<String> r = DemoProcesses.HTTP.send(HttpRequest.newBuilder(URI.create(url + "/workers/player/" + id))
            .timeout(Duration.ofSeconds(5)).header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString("{\"reward\":" + n + "}")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return true;
        }
      } catch (java.io.IOException e) {
        // retried with the same key
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /**
   * Polls every ID through the entries every 50 ms from {@code killedAtNanos} until each answered a
   * read with 200 (or {@code limit} passed); returns the seconds after the kill, per ID (absent: never).
   */
  Map<String, Double> awaitBack(long killedAtNanos, Duration limit) throws InterruptedException {
    Map<String, Double> back = new ConcurrentHashMap<>();
    int[] round = {0};
    Duration left = limit.minusNanos(System.nanoTime() - killedAtNanos);
    Poll.until(left, Duration.ofMillis(50), () -> {
      String url = entries.get(round[0]++ % entries.size());
      ids.parallelStream().filter(id -> !back.containsKey(id)).forEach(id -> {
        if (DemoProcesses.get(url + "/workers/player/" + id) != null) {
          back.putIfAbsent(id, (System.nanoTime() - killedAtNanos) / 1e9);
        }
      });
      return back.size() == ids.size();
    });
    return back;
  }

  /** Stops the writers (each finishes its reward first). */
  void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : writers) {
      t.join(40_000);
    }
  }

  long acknowledgedRewards() {
    return sent.get() - failed.get();
  }

  /** IDs whose score (read through {@code url}) differs from the sum of its acknowledged rewards. */
  List<String> mismatches(String url) throws Exception {
    List<String> out = new ArrayList<>();
    for (String id : ids) {
      String body = DemoProcesses.get(url + "/workers/player/" + id);
      JsonNode state = body == null ? null : JSON.readTree(body).path("state");
      long score = state == null ? Long.MIN_VALUE : state.path("score").asLong();
      if (score != acknowledged.get(id).get()) {
        out.add(id + ": score " + (body == null ? "unreadable" : score) + ", acknowledged " + acknowledged.get(id).get());
      }
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
