package dev.ringleader.demo.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Sends one reward until it is acknowledged: every attempt with the reward's own key, each to a
 * random node whose process is up, with a jittered exponential back-off, until a 200 or the
 * deadline (or the run stops the clients). Counts what happened, for the summary.
 */
final class RewardSender {
  /** Longer than a node's forward timeout (5 s), so a slow forward still gets its answer. */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(7);
  private static final long BACKOFF_MIN_MS = 100;
  private static final long BACKOFF_MAX_MS = 2_000;

  private final ChaosCluster cluster;
  private final NodeHttp http;
  private final RewardLedger ledger;
  private final long t0;
  final AtomicLong attempts = new AtomicLong();
  final AtomicLong rewardsSent = new AtomicLong();
  final AtomicLong rewardsAcked = new AtomicLong();
  /** Rewards that needed more than one attempt. */
  final AtomicLong rewardsRetried = new AtomicLong();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

  RewardSender(ChaosCluster cluster, NodeHttp http, RewardLedger ledger, long t0) {
    this.cluster = cluster;
    this.http = http;
    this.ledger = ledger;
    this.t0 = t0;
  }

  /**
   * Tries the reward until acknowledged or {@code deadlineNanos} (or {@code stop} says so between
   * attempts); records the result in the ledger. Returns true when acknowledged.
   */
  boolean send(Reward r, String player, long deadlineNanos, Random random, BooleanSupplier stop)
      throws InterruptedException {
    if (r.attemptCount() == 0) {
      rewardsSent.incrementAndGet();
    }
    try {
      return tryUntil(r, player, deadlineNanos, random, stop);
    } finally {
      if (!r.isAcknowledged()) {
        ledger.gaveUp(r);
      }
    }
  }

  private boolean tryUntil(Reward r, String player, long deadlineNanos, Random random, BooleanSupplier stop)
      throws InterruptedException {
    for (int i = 0; System.nanoTime() < deadlineNanos; i++) {
      List<String> up = cluster.upNodes();
      if (!up.isEmpty()) {
        String node = up.get(random.nextInt(up.size()));
        long start = System.nanoTime();
        NodeHttp.Outcome o = http.reward(cluster.url(node), player, r.key, r.amount, ATTEMPT_TIMEOUT);
        attempts.incrementAndGet();
        if (r.attemptCount() == 1) {
          rewardsRetried.incrementAndGet();
        }
        r.attempted(new Reward.Attempt((start - t0) / 1_000_000, node, o.toString(),
            (System.nanoTime() - start) / 1_000_000));
        outcomes.computeIfAbsent(o.status() == 200 ? "200" : (o.status() == 0 ? "" : o.status() + " ") + o.error(),
            k -> new LongAdder()).increment();
        if (o.acknowledged()) {
          r.acknowledged(o.node(), o.score());
          ledger.acknowledged(r);
          rewardsAcked.incrementAndGet();
          return true;
        }
      }
      if (stop.getAsBoolean()) {
        break;
      }
      long backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS << Math.min(i, 5));
      long sleep = (long) (backoff * (0.5 + random.nextDouble()));
      long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
      Thread.sleep(Math.max(1, Math.min(sleep, left)));
    }
    return false;
  }

  /** Attempts by outcome ("200", "503 not_acknowledged", "client timeout", ...), sorted by name. */
  Map<String, Long> outcomes() {
    Map<String, Long> sorted = new TreeMap<>();
    outcomes.forEach((k, v) -> sorted.put(k, v.sum()));
    return sorted;
  }
}
