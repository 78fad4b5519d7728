package dev.ringleader.demo;

import static dev.ringleader.demo.BenchWorkloads.PLAYER;
import static dev.ringleader.demo.BenchWorkloads.loadLine;
import static dev.ringleader.demo.BenchWorkloads.parallel;
import static dev.ringleader.demo.BenchWorkloads.seconds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The bench's failover phase (issue 13): kill -9 of node3 under write load, with its ids polled
 * through node1 every 50 ms until each answers again; node3's restart until it is ready; then a
 * SIGSTOP of node3, which refuses nothing, so only its session's expiry moves its ids.
 */
final class BenchFailover {
  private final BenchOptions o;
  private final BenchCluster cluster;
  private final BenchHttp http;
  private final BenchReport report;
  private final Map<String, String> owners;
  private final String run;
  private final Consumer<String> log;

  BenchFailover(BenchOptions o, BenchCluster cluster, BenchHttp http, BenchReport report, Map<String, String> owners,
      String run, Consumer<String> log) {
    this.o = o;
    this.cluster = cluster;
    this.http = http;
    this.report = report;
    this.owners = owners;
    this.run = run;
    this.log = log;
  }

  private void log(String message) {
    log.accept(message);
  }

  void run() throws Exception {
    int victim = 3;
    List<String> probeIds = owners.entrySet().stream().filter(e -> ("node" + victim).equals(e.getValue()))
        .map(Map.Entry::getKey).sorted().limit(50).toList();
    if (probeIds.isEmpty()) {
      throw new IllegalStateException("no hot id is owned by node" + victim);
    }
    int loadS = o.durationS() + o.sessionTimeoutMs() / 1000 + 6;
    log("failover: load for " + loadS + " s over nodes 1-3, kill -9 node" + victim + " after 5 s, poll "
        + probeIds.size() + " of its ids through node1 every 50 ms");
    BenchLoad load = BenchLoad.start(o, "failover", cluster.urls(), 200, loadS, "fo-" + run);
    Thread.sleep(5_000); // the load's JVM starts and reads its 200 starting scores first
    long killedAt = System.nanoTime();
    cluster.killNode(victim);
    Back killed = awaitBack(probeIds, killedAt);
    long restartAt = System.nanoTime();
    cluster.startNode(victim);
    double restarted = awaitReady(victim, restartAt);
    BenchLoad.Result r = load.await();
    cluster.awaitCluster(Duration.ofSeconds(60));

    // A frozen owner (SIGSTOP): no refusal, so only its session's expiry moves its ids.
    log("failover: SIGSTOP node" + victim + ", poll its ids through node1");
    long stoppedAt = System.nanoTime();
    signal(cluster.pid(victim), "STOP");
    Back frozen;
    try {
      frozen = awaitBack(probeIds, stoppedAt);
    } finally {
      signal(cluster.pid(victim), "CONT");
    }
    cluster.awaitCluster(Duration.ofSeconds(60));

    double session = o.sessionTimeoutMs() / 1000.0;
    StringBuilder s = new StringBuilder();
    s.append("### Failover: kill -9 and SIGSTOP of node").append(victim).append(" under write load\n\n");
    s.append(String.format(Locale.ROOT, "- kill -9: every one of %d ids owned by node%d answered again through node1 "
        + "%s after the kill (first after %.2f s); session timeout %.1f s (the crash detector ended the session)%n",
        probeIds.size(), victim, killed.describeLast(), killed.first(), session));
    s.append(String.format(Locale.ROOT, "- restart after kill -9: node%d ready and in the ring %.2f s after its process "
        + "started (JVM start included)%n", victim, restarted));
    s.append(String.format(Locale.ROOT, "- SIGSTOP (no refusal, so no fast path): every id answered again %s after the "
        + "freeze (first after %.2f s) = %.2fx the session timeout%n", frozen.describeLast(), frozen.first(),
        frozen.last() / session));
    s.append(loadLine(r, loadS)).append('\n');
    s.append(String.format(Locale.ROOT, "- lost acknowledged updates: %d (must be 0)", r.lost()));
    report.section(s.toString());
  }

  /** When each probed id answered again (through node1), in seconds after {@code since}. */
  private record Back(Map<String, Double> at, int of) {
    double first() {
      return at.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double last() {
      return at.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    String describeLast() {
      return at.size() == of ? String.format(Locale.ROOT, "%.2f s", last())
          : "NOT within 60 s (" + (of - at.size()) + " still failing)";
    }
  }

  private Back awaitBack(List<String> ids, long since) throws Exception {
    Map<String, Double> back = new ConcurrentHashMap<>();
    List<String> pending = new ArrayList<>(ids);
    while (!pending.isEmpty() && seconds(since) < 60) {
      long round = System.nanoTime();
      parallel(pending, id -> {
        if (http.get(cluster.url(1) + PLAYER + id, Duration.ofSeconds(3)).ok()) {
          back.putIfAbsent(id, seconds(since));
        }
      });
      pending.removeIf(back::containsKey);
      long left = 50 - (System.nanoTime() - round) / 1_000_000;
      if (left > 0) {
        Thread.sleep(left); // the poll period
      }
    }
    return new Back(back, ids.size());
  }

  /** Seconds from {@code since} until node {@code n} answers /health/ready and its ring holds all nodes. */
  private double awaitReady(int n, long since) throws Exception {
    while (seconds(since) < 60) {
      if (http.get(cluster.url(n) + "/health/ready", Duration.ofSeconds(2)).ok()
          && http.get(cluster.url(n) + "/cluster", Duration.ofSeconds(2)).json().path("ring").path("members").size()
              == BenchCluster.NODES) {
        return seconds(since);
      }
      Thread.sleep(20); // the poll period
    }
    return Double.NaN;
  }

  private static void signal(long pid, String sig) throws Exception {
    if (new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor() != 0) {
      throw new IllegalStateException("kill -" + sig + " " + pid + " failed");
    }
  }
}
