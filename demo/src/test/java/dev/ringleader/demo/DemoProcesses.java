package dev.ringleader.demo;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real processes started from the demo jar: one embedded ZooKeeper and nodes, each with its own
 * ports, cluster name and log file under target/it-logs. Everything started is stopped by PID.
 */
final class DemoProcesses implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Path jar = Path.of(System.getProperty("ringleader.demoJar", "target/ringleader-demo.jar"));
  final Path logs;
  final int zkPort = freePort();
  final String cluster;
  final Map<String, Process> nodes = new LinkedHashMap<>();
  final Map<String, Integer> ports = new LinkedHashMap<>();
  private final List<Process> all = new ArrayList<>();
  private final Path zkDir;

  DemoProcesses(String name) throws IOException {
    this.cluster = name + ProcessHandle.current().pid();
    this.logs = Path.of("target", "it-logs", name);
    Files.createDirectories(logs);
    // A fresh set of logs per test run (a process started twice in one run appends to its log).
    try (var old = Files.list(logs)) {
      for (Path f : (Iterable<Path>) old::iterator) {
        Files.deleteIfExists(f);
      }
    }
    this.zkDir = Files.createTempDirectory("ringleader-it-zk");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("demo jar not built: " + jar.toAbsolutePath());
    }
  }

  /** Each node's peer port, the same across its restarts. */
  private final java.util.Map<String, Integer> peerPorts = new java.util.HashMap<>();

  Process start(String logName, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    File log = logs.resolve(logName + ".log").toFile();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    all.add(p);
    return p;
  }

  void startZooKeeper() throws Exception {
    start("zk", "zk", "--port", Integer.toString(zkPort), "--dir", zkDir.toString());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", zkPort)) {
        return;
      } catch (IOException e) {
        pause();
      }
    }
    throw new AssertionError("ZooKeeper did not start; see " + logs.resolve("zk.log"));
  }

  void startNode(String id, String... extra) throws Exception {
    int port = ports.computeIfAbsent(id, k -> freePort());
    int peerPort = peerPorts.computeIfAbsent(id, k -> freePort());
    List<String> args = new ArrayList<>(List.of("node", "--id", id, "--port", Integer.toString(port),
        "--peer-port", Integer.toString(peerPort), "--zk", "127.0.0.1:" + zkPort, "--cluster", cluster,
        "--cluster-secret-file", DemoSecrets.clusterSecretFile(zkDir).toString()));
    args.addAll(List.of(extra));
    nodes.put(id, start(id, args.toArray(String[]::new)));
  }

  String url(String id) {
    return "http://127.0.0.1:" + ports.get(id);
  }

  /** Waits until every started node answers /health with 200 and sees the given number of ring members. */
  void awaitServing(int members, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (String id : nodes.keySet()) {
        String body = get(url(id) + "/health");
        if (body == null || !body.contains("\"serving\"") || !body.contains("\"members\":" + members)) {
          all = false;
        }
      }
      if (all) {
        return;
      }
      pause();
    }
    throw new AssertionError("nodes not serving with " + members + " members; see " + logs);
  }

  static String get(String url) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** SIGTERM (a graceful leave), and waits for the process to exit. */
  void stop(String id) throws InterruptedException {
    Process p = nodes.remove(id);
    p.destroy();
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new AssertionError(id + " did not exit within 60 s of SIGTERM");
    }
  }

  /** SIGTERM to every node at once, then waits for all of them to exit. */
  void stopAll() throws InterruptedException {
    List<Process> ps = new ArrayList<>(nodes.values());
    nodes.clear();
    ps.forEach(Process::destroy);
    for (Process p : ps) {
      if (!p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new AssertionError("a node did not exit within 90 s of SIGTERM");
      }
    }
  }

  /** kill -9 of every node at once. */
  void killAll() throws InterruptedException {
    List<Process> ps = new ArrayList<>(nodes.values());
    nodes.clear();
    ps.forEach(Process::destroyForcibly);
    for (Process p : ps) {
      p.waitFor();
    }
  }

  /** kill -9. */
  void kill(String id) throws InterruptedException {
    Process p = nodes.remove(id);
    p.destroyForcibly();
    p.waitFor();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() {
    return dev.ringleader.faults.LoopbackPorts.free(); // below the ephemeral range: no race with clients
  }

  static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    for (int i = all.size() - 1; i >= 0; i--) {
      Process p = all.get(i);
      if (p.isAlive()) {
        p.destroy();
        try {
          if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
