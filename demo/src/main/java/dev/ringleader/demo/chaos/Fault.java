package dev.ringleader.demo.chaos;

import java.time.Duration;

/**
 * One fault of a run, as the schedule chose it: what, to which node, for how long, and how long the
 * cluster is left alone after the heal (on top of waiting until it has settled).
 */
record Fault(Kind kind, String victim, Duration duration, Duration settle) {

  enum Kind {
    /** {@code kill -9}, down for {@code duration}, started again with the same id and ports. */
    KILL9_RESTART("kill -9 + restart"),
    /** SIGSTOP for {@code duration} (longer than the session timeout), then SIGCONT. */
    PAUSE("SIGSTOP/SIGCONT"),
    /** Its ZooKeeper link black-holed (bytes held, nothing reset) for {@code duration}. */
    ZOOKEEPER_CUT("cut from ZooKeeper"),
    /** Both directions to every other node held for {@code duration}; ZooKeeper still reachable. */
    PEER_CUT("cut from its peers"),
    /** SIGTERM (a graceful leave), wait for the exit, start again. */
    GRACEFUL_RESTART("graceful restart");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  @Override
  public String toString() {
    return kind.label + " of " + victim + " for " + duration.toMillis() + " ms, then settle + "
        + settle.toMillis() + " ms";
  }
}
