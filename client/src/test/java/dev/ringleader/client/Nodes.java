package dev.ringleader.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ringleader.supervisor.RingleaderNode;
import dev.ringleader.supervisor.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;

/**
 * Real Ringleader nodes in this JVM on a real ZooKeeper ({@link TestingServer}), each on its own
 * free loopback port, in a cluster of its own name; the request type is {@link ScoreType}.
 */
final class Nodes implements AutoCloseable {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final TestingServer zk;
  final String cluster = "client" + ProcessHandle.current().pid() + "x" + CLUSTERS.incrementAndGet();
  final Map<String, RingleaderNode> nodes = new LinkedHashMap<>();
  private final Map<String, String> common;

  Nodes(Map<String, String> common) throws Exception {
    this.zk = new TestingServer(true);
    this.common = common;
  }

  /** {@code n} nodes node1..nodeN, and a wait until each sees all of them in its ring. */
  static Nodes started(int n, Map<String, String> common) throws Exception {
    Nodes c = new Nodes(common);
    for (int i = 1; i <= n; i++) {
      c.start("node" + i, Map.of());
    }
    c.awaitRing(c.nodes.keySet());
    return c;
  }

  RingleaderNode start(String id, Map<String, String> own) {
    Map<String, String> s = new HashMap<>();
    s.put("id", id);
    s.put("host", "127.0.0.1");
    s.put("port", Integer.toString(freePort()));
    s.put("zk", zk.getConnectString());
    s.put("cluster", cluster);
    s.put("session-timeout-ms", "3000");
    s.put("request-type", "score");
    s.put("worker-threads", "4");
    s.put("peer-port", "0");
    s.put("cluster-secret", "client-test-cluster-secret-01");
    s.putAll(common);
    s.putAll(own);
    RingleaderNode node = new RingleaderNode(Settings.of(s), List.of(new ScoreType()));
    node.start();
    nodes.put(id, node);
    return node;
  }

  void awaitRing(Set<String> expected) {
    Set<String> want = Set.copyOf(expected);
    Poll.until("every node sees ring " + want, Duration.ofSeconds(20),
        () -> nodes.values().stream().allMatch(n -> n.ringNodes().equals(want)));
  }

  /** A graceful leave: the node hands its workers over, leaves the ring, and closes. */
  void leave(String id) {
    nodes.remove(id).close();
  }

  String url(String id) {
    return nodes.get(id).url();
  }

  List<String> urls() {
    List<String> out = new ArrayList<>();
    nodes.values().forEach(n -> out.add(n.url()));
    return out;
  }

  /** GET {@code path} on {@code url}, the body as JSON; fails the test on a non-200. */
  static JsonNode get(String url, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + url + path + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** POST {@code body} to {@code url + path} as plain HTTP (no epoch header: the node forwards it if need be). */
  static JsonNode post(String url, String path, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("POST " + url + path + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** The sum of every {@code ringleader_forwards_total} series in the node's {@code GET /metrics}. */
  static double forwards(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/metrics"))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    double sum = 0;
    for (String line : r.body().split("\n")) {
      if (line.startsWith("ringleader_forwards_total")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  static int freePort() {
    return dev.ringleader.faults.LoopbackPorts.free(); // below the ephemeral range: no race with clients
  }

  @Override
  public void close() throws IOException {
    for (RingleaderNode n : nodes.values()) {
      n.crash();
    }
    nodes.clear();
    zk.close();
  }
}
