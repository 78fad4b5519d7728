package dev.ringleader.demo.chaos;

import dev.ringleader.faults.TcpProxy;
import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The processes and links of one chaos run: a ZooKeeper process and N node processes from the demo
 * jar, each node behind two {@link TcpProxy}s of this process (one in front of ZooKeeper, one in front
 * of its HTTP port for the other nodes' links) and sending its own links from 127.0.0.(10+N), as in
 * {@code demo faults}. Clients reach a node's HTTP port directly. Every port is a free one, the cluster
 * name is the run's own, and everything started here is stopped by PID in {@link #close()} (also from
 * a shutdown hook). Thread-safe: the fault injector and the clients call it concurrently.
 */
final class ChaosCluster implements AutoCloseable {
  private final ChaosOptions options;
  private final Path logs;
  private final String cluster;
  private final int zkPort;
  private Process zk;
  /** Per node: its HTTP port, and the two proxies in front of ZooKeeper and of that port. */
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Map<String, TcpProxy> zkProxies = new LinkedHashMap<>();
  private final Map<String, TcpProxy> inbound = new LinkedHashMap<>();
  /** The live process of each node that is up (absent while down). Guarded by this. */
  private final Map<String, Process> processes = new LinkedHashMap<>();
  /** Nodes stopped with SIGSTOP and not yet continued. Guarded by this. */
  private final Set<String> paused = new TreeSet<>();
  private final List<Process> started = new ArrayList<>();
  private final Thread hook = new Thread(this::close, "chaos-stop");
  private boolean closed;
  private final Map<String, Integer> peerPorts = new LinkedHashMap<>();
  private final Path secretFile;

  ChaosCluster(ChaosOptions options, Path logs, String cluster) throws IOException {
    this.options = options;
    this.logs = logs;
    this.cluster = cluster;
    this.zkPort = freePort();
    Runtime.getRuntime().addShutdownHook(hook);
    for (int i = 1; i <= options.nodes(); i++) {
      String node = options.node(i);
      int port = freePort();
      int peerPort = freePort();
      ports.put(node, port);
      peerPorts.put(node, peerPort);
      zkProxies.put(node, new TcpProxy(zkPort));
      inbound.put(node, new TcpProxy(peerPort)); // other nodes reach its peer port only through this
    }
    secretFile = dev.ringleader.demo.DemoSecrets.clusterSecretFile(logs);
  }

  List<String> nodes() {
    return List.copyOf(ports.keySet());
  }

  String cluster() {
    return cluster;
  }

  /** ZooKeeper's own address (not through any proxy): for the driver's registry reads. */
  String zkAddress() {
    return "127.0.0.1:" + zkPort;
  }

  /** The node's client URL (direct, never cut). */
  String url(String node) {
    return "http://127.0.0.1:" + ports.get(node);
  }

  /** The address node N's links to other nodes come from. */
  static String source(String node) {
    return "127.0.0." + (10 + Integer.parseInt(node.substring(4)));
  }

  void startZooKeeper(Duration timeout) throws IOException, InterruptedException {
    Path dir = logs.resolve("zk-data");
    Files.createDirectories(dir);
    zk = launch("zk", List.of("zk", "--port", Integer.toString(zkPort), "--dir", dir.toString()));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", zkPort)) {
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IOException("ZooKeeper did not listen on " + zkPort + " within " + timeout + "; see " + logs);
  }

  /** Starts the node's process (same id, ports and proxies every time); it may take a while to serve. */
  synchronized void start(String node) throws IOException {
    if (processes.containsKey(node)) {
      throw new IllegalStateException(node + " is already running");
    }
    int n = Integer.parseInt(node.substring(4));
    List<String> args = new ArrayList<>(List.of("node", "--id", node, "--port", Integer.toString(ports.get(node)),
        "--cluster", cluster, "--zk", zkProxies.get(node).address(),
        "--peer-port", Integer.toString(peerPorts.get(node)), "--advertise-peer", inbound.get(node).address(),
        "--peer-bind-address", "127.0.0." + (10 + n), "--cluster-secret-file", secretFile.toString(),
        "--session-timeout-ms", Long.toString(options.sessionTimeout().toMillis()),
        "--replication", Integer.toString(ChaosOptions.REPLICATION),
        "--min-nodes", Integer.toString(ChaosOptions.MIN_NODES), "--partition-mode", "available",
        "--names", options.names()));
    if (!options.durability().equals("memory")) {
      // Each node keeps its store across its restarts (kill -9 included): docs/durability.md.
      args.addAll(List.of("--durability", options.durability(), "--data-dir", logs.resolve(node + "-data").toString()));
    }
    processes.put(node, launch(node, args));
  }

  /** True while the node's process runs (paused or not). */
  synchronized boolean isUp(String node) {
    Process p = processes.get(node);
    return p != null && p.isAlive();
  }

  synchronized List<String> upNodes() {
    List<String> up = new ArrayList<>();
    processes.forEach((node, p) -> {
      if (p.isAlive()) {
        up.add(node);
      }
    });
    return up;
  }

  synchronized long pid(String node) {
    Process p = processes.get(node);
    return p == null ? -1 : p.pid();
  }

  /** {@code kill -9}, and waits until the process is gone. */
  void kill9(String node) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = processes.remove(node);
      paused.remove(node);
    }
    if (p != null) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * SIGTERM (a graceful leave) and waits up to {@code timeout} for the process to exit; then SIGKILL.
   * Returns false when SIGKILL was needed.
   */
  boolean terminate(String node, Duration timeout) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = processes.get(node);
    }
    if (p == null) {
      return true;
    }
    p.destroy();
    boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!exited) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    synchronized (this) {
      processes.remove(node);
    }
    return exited;
  }

  void pause(String node) throws IOException, InterruptedException {
    signal(node, "STOP");
    synchronized (this) {
      paused.add(node);
    }
  }

  void resume(String node) throws IOException, InterruptedException {
    signal(node, "CONT");
    synchronized (this) {
      paused.remove(node);
    }
  }

  /** The node's ZooKeeper link becomes a black hole (held, not reset). */
  void cutZooKeeper(String node) {
    zkProxies.get(node).cut();
  }

  void healZooKeeper(String node) {
    zkProxies.get(node).heal();
  }

  /** Both directions between the node and every other node are held. */
  void cutPeers(String node) {
    for (String other : nodes()) {
      if (!other.equals(node)) {
        inbound.get(other).block(source(node));
        inbound.get(node).block(source(other));
      }
    }
  }

  /** Every link flows, every paused node runs. */
  void healAll() throws IOException, InterruptedException {
    zkProxies.values().forEach(TcpProxy::heal);
    inbound.values().forEach(TcpProxy::unblockAll);
    for (String node : List.copyOf(pausedNodes())) {
      resume(node);
    }
  }

  private synchronized Set<String> pausedNodes() {
    return new TreeSet<>(paused);
  }

  private void signal(String node, String signal) throws IOException, InterruptedException {
    long pid = pid(node);
    if (pid < 0) {
      throw new IllegalStateException(node + " is not running");
    }
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + signal + " " + pid + " failed");
    }
  }

  private synchronized Process launch(String name, List<String> args) throws IOException {
    if (closed) {
      throw new IllegalStateException("the chaos cluster is closed");
    }
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:+UseSerialGC", "-jar",
        options.jar().toString()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    started.add(p);
    return p;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() {
    return dev.ringleader.faults.LoopbackPorts.free(); // below the ephemeral range: no race with clients
  }

  /**
   * Heals every link, continues paused nodes, SIGTERMs every node it started (10 s to leave, then
   * SIGKILL), then ZooKeeper, then closes the proxies. Only processes started here, by PID.
   */
  @Override
  public void close() {
    List<Process> nodesToStop;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      nodesToStop = new ArrayList<>(started);
    }
    try {
      healAll();
    } catch (Exception e) {
      // best effort: SIGTERM and SIGKILL below still end them
    }
    nodesToStop.remove(zk);
    stop(nodesToStop, Duration.ofSeconds(10));
    if (zk != null) {
      stop(List.of(zk), Duration.ofSeconds(10));
    }
    for (TcpProxy p : zkProxies.values()) {
      closeQuietly(p);
    }
    for (TcpProxy p : inbound.values()) {
      closeQuietly(p);
    }
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is exiting already
      }
    }
  }

  private static void stop(List<Process> list, Duration grace) {
    list.stream().filter(Process::isAlive).forEach(Process::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (Process p : list) {
      try {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(TcpProxy p) {
    try {
      p.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
