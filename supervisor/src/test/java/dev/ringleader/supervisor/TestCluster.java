package dev.ringleader.supervisor;

import dev.ringleader.worker.WorkerType;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Nodes in one JVM, each with its own Curator client and HTTP port, on a real ZooKeeper
 * ({@link TestingServer}), talking over loopback. Every cluster has its own ZooKeeper root.
 */
final class TestCluster implements AutoCloseable {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  /** The ZooKeeper the nodes use: one TestingServer, or a three-server TestingCluster. */
  final TestingServer zk;
  final TestingCluster ensemble;
  final String cluster = "it" + ProcessHandle.current().pid() + "x" + CLUSTERS.incrementAndGet();
  final Map<String, RingleaderNode> nodes = new LinkedHashMap<>();
  private final Map<String, String> common;
  private final List<WorkerType<?>> types;
  private CuratorFramework observer;

  TestCluster(Map<String, String> settings, List<WorkerType<?>> types) throws Exception {
    this(settings, types, false);
  }

  /** With {@code ensemble}, ZooKeeper is a three-server quorum (Curator's TestingCluster). */
  TestCluster(Map<String, String> settings, List<WorkerType<?>> types, boolean ensemble) throws Exception {
    if (ensemble) {
      this.ensemble = new TestingCluster(3);
      this.ensemble.start();
      this.zk = null;
    } else {
      this.zk = new TestingServer(true);
      this.ensemble = null;
    }
    this.common = new HashMap<>(settings);
    this.types = types;
  }

  static TestCluster of(int n, Map<String, String> settings) throws Exception {
    TestCluster c = new TestCluster(settings, List.of(new CounterType(), new TickType(Duration.ofSeconds(60))));
    for (int i = 1; i <= n; i++) {
      c.start("node" + i);
    }
    c.awaitRing(c.nodes.keySet());
    return c;
  }

  /** Per node: a proxy between it and ZooKeeper, for nodes started with {@link #startBehindProxy}. */
  final Map<String, TcpProxy> zkProxies = new LinkedHashMap<>();

  /** Starts a node whose ZooKeeper traffic goes through a {@link TcpProxy} that a test can cut. */
  RingleaderNode startBehindProxy(String id) throws IOException {
    TcpProxy proxy = new TcpProxy(zk.getPort());
    zkProxies.put(id, proxy);
    return start(id, proxy.address());
  }

  RingleaderNode start(String id) {
    return start(id, connectString());
  }

  String connectString() {
    return ensemble != null ? ensemble.getConnectString() : zk.getConnectString();
  }

  private RingleaderNode start(String id, String zkAddress) {
    Map<String, String> s = new HashMap<>();
    s.put("id", id);
    s.put("port", Integer.toString(freePort()));
    s.put("zk", zkAddress);
    s.put("cluster", cluster);
    s.put("session-timeout-ms", "3000");
    s.put("request-type", "tick");
    s.put("worker-threads", "4");
    s.putAll(common);
    RingleaderNode node = new RingleaderNode(Settings.of(s), types);
    node.start();
    nodes.put(id, node);
    return node;
  }

  RingleaderNode node(String id) {
    return nodes.get(id);
  }

  String url(String id) {
    return nodes.get(id).url();
  }

  List<String> urls() {
    List<String> out = new ArrayList<>();
    nodes.values().forEach(n -> out.add(n.url()));
    return out;
  }

  /** Waits until every running node sees a ring of exactly these nodes. */
  void awaitRing(Set<String> expected) {
    Await.until("every node sees ring " + expected, Duration.ofSeconds(20),
        () -> nodes.values().stream().allMatch(n -> n.ringNodes().equals(expected)));
  }

  /** Stops a node gracefully: it leaves the ring and hands its workers over, then closes. */
  void leave(String id) {
    nodes.remove(id).close();
  }

  /** Crashes a node: HTTP and session gone at once, no handoff. */
  void crash(String id) {
    nodes.remove(id).crash();
  }

  /** Expires a node's ZooKeeper session on the server, as if it had been cut off for a whole timeout. */
  void expireSession(String id) throws Exception {
    ZooKeeper zooKeeper = nodes.get(id).curator().getZookeeperClient().getZooKeeper();
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper twin = new ZooKeeper(connectString(), 3000, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    }, zooKeeper.getSessionId(), zooKeeper.getSessionPasswd());
    if (!connected.await(5, TimeUnit.SECONDS)) {
      throw new AssertionError("could not attach to the session of " + id);
    }
    twin.close();
  }

  /** A plain Curator client for looking at the znodes. */
  synchronized CuratorFramework observer() {
    if (observer == null) {
      observer = CuratorFrameworkFactory.newClient(connectString(), new RetryOneTime(100));
      observer.start();
    }
    return observer;
  }

  String root() {
    return "/ringleader/" + cluster;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() throws IOException {
    zkProxies.values().forEach(TcpProxy::heal); // a node cut off from ZooKeeper would stall its own close
    for (RingleaderNode n : nodes.values()) {
      n.crash();
    }
    nodes.clear();
    for (TcpProxy p : zkProxies.values()) {
      p.close();
    }
    if (observer != null) {
      observer.close();
    }
    if (zk != null) {
      zk.close();
    }
    if (ensemble != null) {
      ensemble.close();
    }
  }
}
