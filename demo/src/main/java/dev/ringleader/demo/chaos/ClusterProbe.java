package dev.ringleader.demo.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Whether the cluster has settled: every node's process is up and serves (/health 200), every node
 * sees a ring of all N nodes at one epoch, and no node holds a detached worker or a state awaiting
 * the conflict resolver (GET /node/workers). Read-only.
 */
final class ClusterProbe {
  private static final Duration CALL = Duration.ofSeconds(3);
  private final ChaosCluster cluster;
  private final NodeHttp http;

  ClusterProbe(ChaosCluster cluster, NodeHttp http) {
    this.cluster = cluster;
    this.http = http;
  }

  /** What keeps the cluster from being settled now; empty when it is settled. */
  List<String> unsettled() {
    List<String> why = new ArrayList<>();
    TreeSet<Long> epochs = new TreeSet<>();
    int n = cluster.nodes().size();
    for (String node : cluster.nodes()) {
      if (!cluster.isUp(node)) {
        why.add(node + " is down");
        continue;
      }
      String url = cluster.url(node);
      JsonNode health = http.get(url, "/health", CALL);
      if (health == null) {
        why.add(node + " not serving");
        continue;
      }
      JsonNode view = http.get(url, "/cluster", CALL);
      int inRing = view == null ? -1 : view.path("ring").path("members").size();
      if (inRing != n) {
        why.add(node + " sees " + inRing + " ring members");
      }
      if (view != null) {
        epochs.add(view.path("ring").path("epoch").asLong());
      }
      JsonNode workers = http.get(url, "/node/workers", CALL);
      if (workers == null) {
        why.add(node + " did not list its workers");
      } else if (workers.path("detached").asInt() != 0 || workers.path("awaitingMerge").asInt() != 0) {
        why.add(node + " has " + workers.path("detached").asInt() + " detached, "
            + workers.path("awaitingMerge").asInt() + " awaiting merge");
      }
    }
    if (epochs.size() > 1) {
      why.add("ring epochs differ " + epochs);
    }
    return why;
  }

  /**
   * Polls until settled or {@code timeout}; returns null when settled, else the last reasons. A
   * settled answer is confirmed by a second look 1 s later (a ring change may be on its way).
   */
  String awaitSettled(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> why = List.of("not looked yet");
    boolean seenOnce = false;
    while (System.nanoTime() < deadline) {
      why = unsettled();
      if (why.isEmpty()) {
        if (seenOnce) {
          return null;
        }
        seenOnce = true;
        Thread.sleep(1_000);
        continue;
      }
      seenOnce = false;
      Thread.sleep(500);
    }
    return String.join("; ", why);
  }
}
