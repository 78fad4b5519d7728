package dev.ringleader.demo.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one chaos run does. The {@code seed} decides everything random in it (the fault sequence,
 * victims, durations, settle pauses, each client's players, rewards and back-offs), so a run is
 * replayed by giving the same seed; only thread and process timing differs between replays.
 *
 * @param seed the run's seed, printed at the start and in the summary
 * @param faultTime how long faults keep being applied (the last one may end a little after)
 * @param jar the demo jar the ZooKeeper and node processes are started from
 * @param logRoot logs go to {@code logRoot/<seed>/<run id>/}
 * @param nodes cluster size (node1..nodeN)
 * @param players distinct player IDs the clients reward
 * @param clients client threads, each with at most one reward in flight
 * @param sessionTimeout the nodes' ZooKeeper session timeout
 * @param rewardDeadline how long a client retries one reward (same key) before calling it unknown
 * @param durability the nodes' {@code --durability}
 * @param names the nodes' {@code --names}: where the workers' global names are held
 */
public record ChaosOptions(long seed, Duration faultTime, Path jar, Path logRoot, int nodes, int players,
    int clients, Duration sessionTimeout, Duration rewardDeadline, String durability, String names) {

  /** The nodes' replication factor and min-nodes (fixed: the cluster). */
  static final int REPLICATION = 2;
  static final int MIN_NODES = 2;
  /**
   * The nodes' {@code --idempotency-window} is 64 (the default). A player gets no new reward while it
   * has this many rewards newer than its oldest unacknowledged one, so the retry of that one still
   * finds its remembered reply (a retry past the window is applied again by design, not a bug).
   */
  static final int NEWER_REWARDS_ALLOWED = 24;

  public ChaosOptions {
    if (nodes < 3 || nodes > 9) {
      throw new IllegalArgumentException("--nodes must be 3-9 (source addresses 127.0.0.11-19)");
    }
    if (!java.util.Set.of("memory", "disk", "disk-fsync").contains(durability)) {
      throw new IllegalArgumentException("--durability must be memory|disk|disk-fsync");
    }
    if (!java.util.Set.of("zookeeper", "ring").contains(names)) {
      throw new IllegalArgumentException("--names must be zookeeper|ring");
    }
    if (players < 1 || players > 99) {
      throw new IllegalArgumentException("--players must be 1-99");
    }
    if (clients < 1 || clients > 32) {
      throw new IllegalArgumentException("--clients must be 1-32");
    }
    if (faultTime.isNegative() || faultTime.compareTo(Duration.ofHours(2)) > 0) {
      throw new IllegalArgumentException("--seconds must be 0-7200");
    }
  }

  /** The run: 5 nodes, 40 players, 5 clients, a 3 s session, 40 s per reward. */
  public static ChaosOptions standard(long seed, Duration faultTime, Path jar, Path logRoot) {
    return new ChaosOptions(seed, faultTime, jar, logRoot, 5, 40, 5, Duration.ofSeconds(3), Duration.ofSeconds(40),
        "memory", "zookeeper");
  }

  /** The same run with the nodes' naming mode {@code names}. */
  public ChaosOptions withNames(String names) {
    return new ChaosOptions(seed, faultTime, jar, logRoot, nodes, players, clients, sessionTimeout, rewardDeadline,
        durability, names);
  }

  /** A player's ID: two digits, so that grepping the logs for one never matches another. */
  String player(int i) {
    return String.format("player%02d", i);
  }

  String node(int i) {
    return "node" + i;
  }
}
