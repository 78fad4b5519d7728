package dev.ringleader.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The processes under test: an embedded ZooKeeper, nodes 1-3 and the baseline server, each a real
 * process from the demo jar with its own port, log ({@code <run dir>/<name>.log}) and PID. Nodes are
 * stopped with SIGTERM (a graceful leave) or killed with SIGKILL (kill -9), always by PID.
 */
final class BenchCluster implements Closeable {
  static final int NODES = 3;

  private final BenchOptions o;
  private final BenchHttp http;
  private final Process[] nodes = new Process[NODES + 1];
  private List<String> nodeExtra = List.of();
  private Process zk;
  private Process baseline;

  BenchCluster(BenchOptions o, BenchHttp http) {
    this.o = o;
    this.http = http;
  }

  String url(int n) {
    return "http://127.0.0.1:" + (o.nodePort() + n - 1);
  }

  String urls() {
    List<String> all = new ArrayList<>();
    for (int n = 1; n <= NODES; n++) {
      all.add(url(n));
    }
    return String.join(",", all);
  }

  String baselineUrl() {
    return "http://127.0.0.1:" + o.baselinePort();
  }

  long pid(int n) {
    return nodes[n].pid();
  }

  /** Fails if any port the bench needs already answers (a bench or demo left running). */
  void checkPortsFree() {
    List<Integer> ports = new ArrayList<>(List.of(o.zkPort(), o.baselinePort()));
    for (int n = 1; n <= NODES; n++) {
      ports.add(o.nodePort() + n - 1);
      ports.add(o.nodePort() + n - 1 + 1000); // its peer port
    }
    for (int port : ports) {
      if (listening(port)) {
        throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use; stop what listens there "
            + "(a bench still running?) or choose other ports (bench --help)");
      }
    }
  }

  void startZk() throws IOException, InterruptedException {
    deleteTree(o.zkDir()); // a clean cluster: no ring or names left from an earlier run
    zk = BenchProcesses.start(List.of(o.java(), "-Xmx256m", "-jar", o.jar().toString(), "zk",
        "--port", Integer.toString(o.zkPort()), "--dir", o.zkDir().toString()), log("zk"), true);
    awaitPort(o.zkPort(), zk, "ZooKeeper");
  }

  void startBaseline() throws IOException, InterruptedException {
    baseline = BenchProcesses.start(List.of(o.java(), "-Xmx" + o.heap(), "-jar", o.jar().toString(), "bench",
        "baseline", "--port", Integer.toString(o.baselinePort())), log("baseline"));
    awaitPort(o.baselinePort(), baseline, "the baseline server");
  }

  /** Starts nodes 1-3 with {@code extra} settings and waits until all serve a ring of three. */
  void startNodes(List<String> extra) throws IOException, InterruptedException {
    nodeExtra = List.copyOf(extra);
    for (int n = 1; n <= NODES; n++) {
      startNode(n);
    }
    awaitCluster(Duration.ofSeconds(60));
  }

  void startNode(int n) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(o.java(), "-Xmx" + o.heap(), "-jar", o.jar().toString(), "node",
        "--id", "node" + n, "--port", Integer.toString(o.nodePort() + n - 1),
        "--zk", "127.0.0.1:" + o.zkPort(), "--cluster", o.cluster(),
        "--session-timeout-ms", Integer.toString(o.sessionTimeoutMs()), "--min-nodes", "2", "--replication", "2",
        "--cluster-secret-file", DemoSecrets.clusterSecretFile(o.zkDir().getParent()).toString()));
    nodeExtra.forEach(a -> cmd.add(a.replace("{node}", "node" + n))); // e.g. a data dir of its own
    nodes[n] = BenchProcesses.start(cmd, log("node" + n));
  }

  /** SIGTERM to node n and waits for it to exit (SIGKILL after 30 s); returns the milliseconds it took. */
  long stopNode(int n) throws InterruptedException {
    long t0 = System.nanoTime();
    Process p = nodes[n];
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      System.err.println("bench: node" + n + " (pid " + p.pid() + ") did not exit 30 s after SIGTERM; SIGKILL");
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** kill -9 node n. */
  void killNode(int n) throws InterruptedException {
    nodes[n].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  void stopNodes() throws InterruptedException {
    for (int n = 1; n <= NODES; n++) {
      if (nodes[n] != null && nodes[n].isAlive()) {
        nodes[n].destroy();
      }
    }
    for (int n = 1; n <= NODES; n++) {
      if (nodes[n] != null && !nodes[n].waitFor(30, TimeUnit.SECONDS)) {
        nodes[n].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Waits until every node answers {@code /health} 200 with 3 members and every node's ring holds
   * all three nodes.
   */
  void awaitCluster(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = notReady();
      if (last == null) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the cluster did not come up within " + timeout.toSeconds() + " s: " + last
        + " (logs in " + o.runDir() + ")");
  }

  private String notReady() {
    for (int n = 1; n <= NODES; n++) {
      if (nodes[n] == null || !nodes[n].isAlive()) {
        return "node" + n + " is not running (see " + log("node" + n) + ")";
      }
      BenchHttp.Reply h = http.get(url(n) + "/health", Duration.ofSeconds(2));
      if (!h.ok() || h.json().path("members").asInt() != NODES) {
        return "node" + n + " /health: " + h.status() + " " + h.body();
      }
      JsonNode ring = http.get(url(n) + "/cluster", Duration.ofSeconds(2)).json().path("ring").path("members");
      if (ring.size() != NODES) {
        return "node" + n + " sees a ring of " + ring.size() + " nodes";
      }
    }
    return null;
  }

  @Override
  public void close() {
    BenchProcesses.stopAll();
  }

  Path log(String name) {
    return o.runDir().resolve(name + ".log");
  }

  private void awaitPort(int port, Process p, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(what + " exited at start (see " + o.runDir() + ")");
      }
      if (listening(port)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(what + " did not listen on port " + port + " within 30 s");
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
