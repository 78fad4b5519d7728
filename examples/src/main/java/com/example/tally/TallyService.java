package com.example.tally;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallException;
import dev.ringleader.supervisor.ClusterListener;
import dev.ringleader.supervisor.RingleaderNode;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.WorkerRef;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;

/**
 * A service that embeds Ringleader: a real ZooKeeper and a two-node cluster in one JVM, its own
 * worker type, a call in-process from each node and one through the Java client, then a graceful
 * stop. Prints what it did; exits non-zero if anything did not happen as it says.
 */
public final class TallyService {
  private TallyService() {}

  public static void main(String[] args) throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      CountDownLatch bothInRing = new CountDownLatch(1);
      RingleaderNode node1 = node("node1", zk, new ClusterListener() {
        @Override
        public void ringChanged(long epoch, Set<String> nodes) {
          System.out.println("node1 sees ring epoch " + epoch + ": " + new java.util.TreeSet<>(nodes));
          if (nodes.size() == 2) {
            bothInRing.countDown();
          }
        }
      });
      RingleaderNode node2 = node("node2", zk, new ClusterListener() { });
      try {
        check(bothInRing.await(30, TimeUnit.SECONDS), "both nodes in the ring within 30 s");

        // In-process calls: routed like HTTP calls (local on the owner, one forward otherwise).
        WorkerRef alice = node1.ref("tally", "alice");
        JsonNode first = alice.ask(Map.of("add", 5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.out.println("node1: tally/alice add 5 -> " + first);
        JsonNode retried = alice.ask(Map.of("add", 2), "order-17", Duration.ofSeconds(5))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        JsonNode again = alice.ask(Map.of("add", 2), "order-17", Duration.ofSeconds(5))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.out.println("node1: tally/alice add 2 (key order-17), twice -> " + retried + ", " + again);
        JsonNode seen = node2.ref("tally", "alice").read().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.out.println("node2: read tally/alice -> " + seen);
        check(seen.get("total").asLong() == 7, "the total is 7 from either node (the retry counted once)");

        try {
          alice.ask(Map.of("add", "lots")).toCompletableFuture().get(10, TimeUnit.SECONDS);
          check(false, "a bad message is refused");
        } catch (java.util.concurrent.ExecutionException e) {
          CallException refused = (CallException) e.getCause();
          System.out.println("node1: tally/alice add \"lots\" -> " + refused.status() + " " + refused.error().code()
              + " (" + refused.getMessage() + ")");
          check(refused.status() == 400, "a bad message gets 400");
        }

        ClientCall.run(List.of(node1.url(), node2.url()));
      } finally {
        node2.close();
        node1.close();
      }
      System.out.println("both nodes left gracefully; done");
    }
  }

  /** One secret per cluster: its nodes prove it to each other on the peer port. */
  private static final String SECRET = java.util.UUID.randomUUID().toString();

  private static RingleaderNode node(String id, TestingServer zk, ClusterListener listener) throws Exception {
    Settings settings = Settings.builder()
        .cluster("tally")
        .nodeId(id)
        .port(freePort())
        .peerPort(0) // node-to-node calls: any free port, advertised in the member znode
        .clusterSecret(SECRET) // every node of a cluster shares it; read it from a file in production
        .zookeeper(zk.getConnectString())
        .sessionTimeout(Duration.ofSeconds(4))
        .replication(2)
        .build();
    RingleaderNode node = RingleaderNode.builder()
        .settings(settings)
        .workerType(new TallyType())
        .listener(listener)
        .build();
    node.start();
    System.out.println(id + " serving on " + node.url());
    return node;
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("not so: " + what);
    }
    System.out.println("  ok: " + what);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
