package dev.ringleader.supervisor;

import dev.ringleader.faults.TcpProxy;
import dev.ringleader.worker.WorkerType;
import java.io.IOException;
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
  /** The cluster secret of every test cluster (tests that check refusals use another). */
  static final String SECRET = "test-cluster-secret-0123456789";

  /** The ZooKeeper the nodes use: one TestingServer, or a three-server TestingCluster. */
  final TestingServer zk;
  final TestingCluster ensemble;
  final String cluster = "it" + ProcessHandle.current().pid() + "x" + CLUSTERS.incrementAndGet();
  /** The running nodes, read by load threads while a test starts and stops nodes: a concurrent map, in name order. */
  final Map<String, RingleaderNode> nodes = new java.util.concurrent.ConcurrentSkipListMap<>();
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

  /**
   * Three nodes that a test can split ({@link #startSplittable}), with the counter and tick types, a
   * 3 s session, R = 2, short forward timeouts and the given partition mode; the ring holds all three.
   */
  static TestCluster splittable(String partitionMode) throws Exception {
    return splittable(partitionMode, "zookeeper");
  }

  /** As {@link #splittable(String)}, with the given naming mode ({@code --names}). */
  static TestCluster splittable(String partitionMode, String names) throws Exception {
    TestCluster c = new TestCluster(Map.of("partition-mode", partitionMode, "replication", "2",
        "session-timeout-ms", "3000", "forward-timeout-ms", "800", "route-wait-ms", "300", "names", names),
        List.of(new CounterType(), new TickType(Duration.ofMinutes(1))));
    for (String id : List.of("node1", "node2", "node3")) {
      c.startSplittable(id);
    }
    c.awaitRing(Set.of("node1", "node2", "node3"));
    return c;
  }

  /** Per node: a proxy between it and ZooKeeper, for nodes started with {@link #startBehindProxy}. */
  final Map<String, TcpProxy> zkProxies = new LinkedHashMap<>();
  /** Per node started with {@link #startSplittable}: the proxy other nodes reach it through. */
  final Map<String, TcpProxy> inboundProxies = new LinkedHashMap<>();
  /** Per node started with {@link #startSplittable}: the loopback address its links to other nodes come from. */
  private final Map<String, String> peerAddresses = new LinkedHashMap<>();
  /** Per node: its own HTTP port's URL, which tests use (its advertised URL may be a proxy's). */
  private final Map<String, String> directUrls = new java.util.concurrent.ConcurrentHashMap<>();

  /** Starts a node whose ZooKeeper traffic goes through a {@link TcpProxy} that a test can cut. */
  RingleaderNode startBehindProxy(String id) throws IOException {
    TcpProxy proxy = new TcpProxy(zk.getPort());
    zkProxies.put(id, proxy);
    return start(id, proxy.address(), freePort(), Map.of());
  }

  /**
   * Starts a node that a test can cut from ZooKeeper and from other splittable nodes: its ZooKeeper
   * traffic goes through a proxy (as {@link #startBehindProxy}), it advertises an inbound proxy in front
   * of its peer port (so other nodes reach it only through that), and its own links to other nodes
   * come from a loopback address of its own ({@code peer-bind-address} 127.0.0.(10+k)), which is how
   * the other nodes' inbound proxies tell it apart. Tests still talk to its port directly ({@link #url}).
   * A node restarted under the same name keeps its source address and gets new, healed proxies.
   */
  RingleaderNode startSplittable(String id) throws IOException {
    int port = freePort();
    int peerPort = freePort();
    TcpProxy zkProxy = new TcpProxy(zk.getPort());
    TcpProxy inbound = new TcpProxy(peerPort);
    String address = peerAddresses.computeIfAbsent(id, k -> "127.0.0." + (11 + peerAddresses.size()));
    closeIfPresent(zkProxies.put(id, zkProxy));
    closeIfPresent(inboundProxies.put(id, inbound));
    return start(id, zkProxy.address(), port,
        Map.of("peer-port", Integer.toString(peerPort), "advertise-peer", inbound.address(),
            "peer-bind-address", address));
  }

  /** Splittable nodes {@code a} and {@code b} can no longer reach each other, in either direction. */
  void cutLink(String a, String b) {
    inbound(a).block(peerAddress(b));
    inbound(b).block(peerAddress(a));
  }

  /** Traffic from splittable node {@code from} to splittable node {@code to} is held (one way only). */
  void holdLink(String from, String to) {
    inbound(to).block(peerAddress(from));
  }

  /** Traffic held by {@link #holdLink} flows again, the held bytes first. */
  void releaseLink(String from, String to) {
    inbound(to).unblock(peerAddress(from));
  }

  /** Splittable nodes {@code a} and {@code b} reach each other again (held bytes are delivered late). */
  void healLink(String a, String b) {
    inbound(a).unblock(peerAddress(b));
    inbound(b).unblock(peerAddress(a));
  }

  /**
   * Cuts the splittable nodes in {@code side} off from ZooKeeper and from every splittable node not
   * in {@code side}; nodes in {@code side} still reach each other. ZooKeeper stays with the other side.
   */
  void split(Set<String> side) {
    for (String a : side) {
      requireSplittable(a);
      zkProxies.get(a).cut();
      for (String b : inboundProxies.keySet()) {
        if (!side.contains(b)) {
          cutLink(a, b);
        }
      }
    }
  }

  /** Cuts one splittable node off from ZooKeeper and from every other splittable node (1 | N-1). */
  void isolate(String id) {
    split(Set.of(id));
  }

  /** Heals every proxy and every link: ZooKeeper and node-to-node traffic flows again everywhere. */
  void healAll() {
    zkProxies.values().forEach(TcpProxy::heal);
    for (TcpProxy p : inboundProxies.values()) {
      p.heal();
      p.unblockAll();
    }
  }

  private static void closeIfPresent(TcpProxy previous) throws IOException {
    if (previous != null) {
      previous.close();
    }
  }

  private TcpProxy inbound(String id) {
    requireSplittable(id);
    return inboundProxies.get(id);
  }

  private String peerAddress(String id) {
    requireSplittable(id);
    return peerAddresses.get(id);
  }

  private void requireSplittable(String id) {
    if (!peerAddresses.containsKey(id)) {
      throw new IllegalArgumentException(id + " was not started with startSplittable");
    }
  }

  RingleaderNode start(String id) {
    return start(id, connectString(), freePort(), Map.of());
  }

  /** Starts a node with settings of its own on top of the cluster's (e.g. its {@code data-dir}). */
  RingleaderNode start(String id, Map<String, String> own) {
    return start(id, connectString(), freePort(), own);
  }

  String connectString() {
    return ensemble != null ? ensemble.getConnectString() : zk.getConnectString();
  }

  private RingleaderNode start(String id, String zkAddress, int port, Map<String, String> own) {
    Map<String, String> s = new HashMap<>();
    s.put("id", id);
    s.put("port", Integer.toString(port));
    s.put("zk", zkAddress);
    s.put("cluster", cluster);
    s.put("session-timeout-ms", "3000");
    s.put("request-type", "tick");
    s.put("worker-threads", "4");
    s.put("cluster-secret", SECRET);
    s.put("peer-port", "0");
    s.putAll(common);
    s.putAll(own);
    RingleaderNode node = new RingleaderNode(Settings.of(s), types);
    node.start();
    // The URL first: load threads map the running nodes to URLs, and a restarted node has a new port
    // (with the old URL still mapped, a client would dial the previous process's closed port).
    directUrls.put(id, "http://127.0.0.1:" + port);
    nodes.put(id, node);
    return node;
  }

  RingleaderNode node(String id) {
    return nodes.get(id);
  }

  /** The node's own HTTP port, never a proxy: what a test's client talks to. */
  String url(String id) {
    return directUrls.get(id);
  }

  /** {@link #url} of every running node. */
  List<String> urls() {
    List<String> out = new ArrayList<>();
    nodes.keySet().forEach(id -> out.add(directUrls.get(id)));
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

  /**
   * Kills a node started with {@link #startBehindProxy} as kill -9 would: its ports close, and its
   * ZooKeeper session stays open on the server (its link to ZooKeeper is reset first, so no close
   * reaches the server) until its timeout, or until another node ends it.
   */
  void kill(String id) throws IOException {
    TcpProxy link = zkProxies.remove(id);
    if (link == null) {
      throw new IllegalArgumentException(id + " was not started behind a ZooKeeper proxy");
    }
    link.close();
    RingleaderNode node = nodes.remove(id);
    // crash() closes the ports at once; its ZooKeeper client then retries its closing calls against
    // the closed link for up to a session timeout: on a thread of its own, not the test's.
    Thread t = new Thread(node::crash, id + "-killed");
    t.setDaemon(true);
    t.start();
    Await.until(id + "'s peer port is closed", Duration.ofSeconds(10), () -> {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", node.peerPort())) {
        return false;
      } catch (IOException refused) {
        return true;
      }
    });
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
    return dev.ringleader.faults.LoopbackPorts.free(); // below the ephemeral range: no race with clients
  }

  @Override
  public void close() throws IOException {
    healAll(); // a node cut off from ZooKeeper or its peers would stall its own close
    for (RingleaderNode n : nodes.values()) {
      n.crash();
    }
    nodes.clear();
    for (TcpProxy p : zkProxies.values()) {
      p.close();
    }
    for (TcpProxy p : inboundProxies.values()) {
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
