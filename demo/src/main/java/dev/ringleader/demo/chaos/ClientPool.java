package dev.ringleader.demo.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clients of a run: a few threads, each with its own seeded random, that pick a random player,
 * send it a reward of 1-9 (through {@link RewardSender}: same key on every retry, any node), pause a
 * little and go on, until {@link #stop()}. Moderate on purpose: the machine is small and shared, and
 * a player's rewards must stay inside its worker's idempotency window.
 */
final class ClientPool {
  /** Think time between two rewards of one client. */
  private static final long THINK_MIN_MS = 50;
  private static final long THINK_MAX_MS = 250;

  private final ChaosOptions options;
  private final RewardLedger ledger;
  private final RewardSender sender;
  private final AtomicBoolean running = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  ClientPool(ChaosOptions options, RewardLedger ledger, RewardSender sender) {
    this.options = options;
    this.ledger = ledger;
    this.sender = sender;
  }

  void start() {
    if (!running.compareAndSet(false, true)) {
      throw new IllegalStateException("clients already started");
    }
    for (int c = 0; c < options.clients(); c++) {
      Random random = new Random(options.seed() * 1_000_003L + c + 1);
      Thread t = new Thread(() -> loop(random), "chaos-client-" + c);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  private void loop(Random random) {
    try {
      while (running.get()) {
        int player = random.nextInt(ledger.players());
        int amount = 1 + random.nextInt(9);
        Reward r = ledger.take(player, amount);
        if (r != null) {
          long deadline = System.nanoTime() + options.rewardDeadline().toNanos();
          sender.send(r, options.player(player), deadline, random, () -> !running.get());
        }
        Thread.sleep(THINK_MIN_MS + random.nextInt((int) (THINK_MAX_MS - THINK_MIN_MS)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * No new rewards; a reward in flight gets no further retry (it stays unknown until the final
   * retries). Waits for every client to finish its current attempt.
   */
  void stop(Duration timeout) throws InterruptedException {
    running.set(false);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    for (Thread t : threads) {
      if (t.isAlive()) {
        t.interrupt();
        t.join(5_000);
      }
    }
  }
}
