package dev.ringleader.demo.chaos;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies one fault at a time to the cluster: inject, hold for the fault's duration, heal, wait until
 * the cluster has settled (bounded), then leave it alone for the fault's settle pause. Records what
 * it did and when, relative to the start of the run.
 */
final class FaultInjector {
  /** How long the cluster may take to settle after one fault before the run notes it and goes on. */
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
  /** How long a graceful leave may take before the process is killed (and the run notes it). */
  static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(30);

  /** What happened to one fault: times in ms since the run started; settledMs -1 if it never settled. */
  record Applied(int index, Fault fault, long startMs, long healedMs, long settledMs, String note) {
    @Override
    public String toString() {
      return String.format("#%d at %6.1f s: %s; healed at %.1f s; %s%s", index, startMs / 1e3, fault, healedMs / 1e3,
          settledMs < 0 ? "NOT settled within " + SETTLE_TIMEOUT.toSeconds() + " s"
              : String.format("settled at %.1f s", settledMs / 1e3),
          note.isEmpty() ? "" : " (" + note + ")");
    }
  }

  private final ChaosCluster cluster;
  private final ClusterProbe probe;
  private final long t0;
  private final List<Applied> applied = new ArrayList<>();

  FaultInjector(ChaosCluster cluster, ClusterProbe probe, long t0) {
    this.cluster = cluster;
    this.probe = probe;
    this.t0 = t0;
  }

  Applied apply(Fault f) throws IOException, InterruptedException {
    String v = f.victim();
    long start = now();
    System.out.printf("chaos: %6.1f s  fault #%d: %s%n", start / 1e3, applied.size() + 1, f);
    String note = "";
    switch (f.kind()) {
      case KILL9_RESTART -> {
        cluster.kill9(v);
        Thread.sleep(f.duration().toMillis());
        cluster.start(v);
      }
      case PAUSE -> {
        cluster.pause(v);
        try {
          Thread.sleep(f.duration().toMillis());
        } finally {
          cluster.resume(v);
        }
      }
      case ZOOKEEPER_CUT -> {
        cluster.cutZooKeeper(v);
        try {
          Thread.sleep(f.duration().toMillis());
        } finally {
          cluster.healZooKeeper(v);
        }
      }
      case PEER_CUT -> {
        cluster.cutPeers(v);
        try {
          Thread.sleep(f.duration().toMillis());
        } finally {
          cluster.healAll();
        }
      }
      case GRACEFUL_RESTART -> {
        long leave = System.nanoTime();
        boolean clean = cluster.terminate(v, LEAVE_TIMEOUT);
        note = clean ? "left in " + (System.nanoTime() - leave) / 1_000_000 + " ms"
            : "did not exit within " + LEAVE_TIMEOUT.toSeconds() + " s of SIGTERM: killed";
        Thread.sleep(f.duration().toMillis());
        cluster.start(v);
      }
    }
    long healed = now();
    String unsettled = probe.awaitSettled(SETTLE_TIMEOUT);
    long settled = unsettled == null ? now() : -1;
    if (unsettled != null) {
      note = (note.isEmpty() ? "" : note + "; ") + "still: " + unsettled;
    }
    Applied a = new Applied(applied.size() + 1, f, start, healed, settled, note);
    applied.add(a);
    System.out.println("chaos:          " + a);
    Thread.sleep(f.settle().toMillis());
    return a;
  }

  List<Applied> applied() {
    return List.copyOf(applied);
  }

  private long now() {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
