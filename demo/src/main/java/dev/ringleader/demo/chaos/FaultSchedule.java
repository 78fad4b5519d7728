package dev.ringleader.demo.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The seed's sequence of faults: rounds of all five kinds in a seeded order (so a short run still
 * mixes kinds and a long one applies each equally often), each with a seeded victim, duration and
 * settle pause. Pure: the same seed always gives the same sequence, whatever the timing of the run.
 */
final class FaultSchedule {
  private final Random random;
  private final List<String> nodes;
  private final long sessionMs;
  private final List<Fault.Kind> round = new ArrayList<>();

  FaultSchedule(long seed, List<String> nodes, Duration sessionTimeout) {
    this.random = new Random(seed);
    this.nodes = List.copyOf(nodes);
    this.sessionMs = sessionTimeout.toMillis();
  }

  Fault next() {
    if (round.isEmpty()) {
      round.addAll(Arrays.asList(Fault.Kind.values()));
      Collections.shuffle(round, random);
    }
    Fault.Kind kind = round.remove(0);
    String victim = nodes.get(random.nextInt(nodes.size()));
    long ms = switch (kind) {
      // down long enough that its session may or may not have expired before it is back
      case KILL9_RESTART -> between(1_000, 3 * sessionMs);
      // longer than the session timeout: the others take its IDs over while it sleeps
      case PAUSE -> between(sessionMs + 1_000, 3 * sessionMs);
      // a few seconds: sometimes within the session (suspended only), sometimes past it (lost)
      case ZOOKEEPER_CUT -> between(1_000, 3 * sessionMs);
      case PEER_CUT -> between(2_000, 3 * sessionMs);
      case GRACEFUL_RESTART -> between(0, 2_000);
    };
    Duration settle = Duration.ofMillis(between(1_000, 5_000));
    return new Fault(kind, victim, Duration.ofMillis(ms), settle);
  }

  private long between(long lo, long hi) {
    return lo + (long) (random.nextDouble() * (hi - lo));
  }
}
