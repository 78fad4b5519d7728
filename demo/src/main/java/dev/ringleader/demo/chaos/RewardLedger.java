package dev.ringleader.demo.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * What the clients know about each player: the sum of its acknowledged rewards, the rewards whose
 * effect is unknown (sent, never acknowledged), and whether a reward is in flight. A player has at
 * most one reward in flight (so its rewards reach the worker one after another, as from one user),
 * and gets no new one while it has {@link ChaosOptions#NEWER_REWARDS_ALLOWED} rewards newer than its
 * oldest unknown one: the later retry of that one must still be inside the worker's idempotency window.
 * Thread-safe: one lock per player.
 */
final class RewardLedger {
  private final Book[] books;
  private final String runTag;

  /** One player's record. Guarded by itself. */
  private static final class Book {
    long lastSeq;
    long ackedSum;
    boolean busy;
    final List<Reward> unknown = new ArrayList<>();
    final List<Reward> all = new ArrayList<>();
  }

  RewardLedger(int players, String runTag) {
    this.books = new Book[players];
    for (int i = 0; i < players; i++) {
      books[i] = new Book();
    }
    this.runTag = runTag;
  }

  int players() {
    return books.length;
  }

  /** A new reward for the player, now in flight; null when the player is busy or must wait. */
  Reward take(int player, int amount) {
    Book b = books[player];
    synchronized (b) {
      if (b.busy) {
        return null;
      }
      if (!b.unknown.isEmpty() && b.lastSeq - b.unknown.get(0).seq >= ChaosOptions.NEWER_REWARDS_ALLOWED) {
        return null;
      }
      b.busy = true;
      long seq = ++b.lastSeq;
      Reward r = new Reward(player, seq, runTag + "-p" + player + "-" + seq, amount);
      b.all.add(r);
      return r;
    }
  }

  /** The reward was acknowledged (200 with a score), in flight or retried later. */
  void acknowledged(Reward r) {
    Book b = books[r.player];
    synchronized (b) {
      b.ackedSum += r.amount;
      b.unknown.remove(r);
      b.busy = false;
    }
  }

  /** The client gave up on the reward for now: its effect is unknown. */
  void gaveUp(Reward r) {
    Book b = books[r.player];
    synchronized (b) {
      if (!b.unknown.contains(r)) {
        b.unknown.add(r);
      }
      b.busy = false;
    }
  }

  long ackedSum(int player) {
    Book b = books[player];
    synchronized (b) {
      return b.ackedSum;
    }
  }

  long unknownSum(int player) {
    Book b = books[player];
    synchronized (b) {
      return b.unknown.stream().mapToLong(r -> r.amount).sum();
    }
  }

  /** The player's unknown rewards, oldest first. */
  List<Reward> unknown(int player) {
    Book b = books[player];
    synchronized (b) {
      return List.copyOf(b.unknown);
    }
  }

  /** Every reward of the player, oldest first. */
  List<Reward> all(int player) {
    Book b = books[player];
    synchronized (b) {
      return List.copyOf(b.all);
    }
  }

  int unknownCount() {
    int n = 0;
    for (int i = 0; i < books.length; i++) {
      n += unknown(i).size();
    }
    return n;
  }
}
