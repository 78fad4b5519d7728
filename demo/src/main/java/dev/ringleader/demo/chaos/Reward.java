package dev.ringleader.demo.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * One reward the clients send: its player, its own Idempotency-Key, its amount (always positive, so
 * that "acknowledged <= score <= acknowledged + unknown" holds), and every attempt made with that key.
 * Until it is acknowledged its effect is unknown: it may have been applied by a node whose answer was
 * lost. Thread-safe (the client that sends it and the report read it).
 */
final class Reward {
  /** Attempts kept for the report; later ones are only counted. */
  private static final int ATTEMPTS_KEPT = 40;

  /** One try of this reward's key on one node. */
  record Attempt(long atMs, String node, String outcome, long tookMs) {
    @Override
    public String toString() {
      return "+" + atMs + "ms " + node + " -> " + outcome + " (" + tookMs + " ms)";
    }
  }

  final int player;
  /** The player's sequence number of this reward (1, 2, ...): the order its rewards were created in. */
  final long seq;
  final String key;
  final int amount;
  private final List<Attempt> attempts = new ArrayList<>();
  private int attemptCount;
  /** The node that answered 200, and the score it replied; null / -1 until acknowledged. */
  private String ackedBy;
  private long ackedScore = -1;

  Reward(int player, long seq, String key, int amount) {
    this.player = player;
    this.seq = seq;
    this.key = key;
    this.amount = amount;
  }

  synchronized void attempted(Attempt a) {
    attemptCount++;
    if (attempts.size() < ATTEMPTS_KEPT) {
      attempts.add(a);
    }
  }

  synchronized void acknowledged(String node, long score) {
    ackedBy = node;
    ackedScore = score;
  }

  synchronized boolean isAcknowledged() {
    return ackedBy != null;
  }

  synchronized int attemptCount() {
    return attemptCount;
  }

  synchronized List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  @Override
  public synchronized String toString() {
    return "reward " + key + " (+" + amount + ", #" + seq + "): "
        + (ackedBy == null ? "NOT acknowledged" : "acknowledged by " + ackedBy + " with score " + ackedScore)
        + ", " + attemptCount + " attempt(s)";
  }
}
