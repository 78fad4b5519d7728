package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.registry.ClusterPaths;
import dev.ringleader.supervisor.internal.node.Timeouts;
import dev.ringleader.supervisor.internal.peer.PeerNetwork;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import dev.ringleader.worker.WorkerKey;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The attack of issue 16, tried as a client would: the internal calls are gone from the client
 * port, a peer without the cluster secret is refused, the leave needs the admin token, and a plain
 * ZooKeeper client can read the cluster's znodes but not write them.
 */
class SecurityTest {
  private static final String TOKEN = "admin-token-for-tests-0123";
  private TestCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }


  @Test
  void noClientOrStrangerCanRewriteStateOrStopANode() throws Exception {
    cluster = TestCluster.of(3, Map.of("replication", "2", "admin-token", TOKEN));
    String base = cluster.url("node1");
    assertEquals(5, Http.post(base + "/workers/counter/alice", "{\"add\":5}").json().at("/reply/total").asLong());
    JsonNode owners = Http.get(base + "/cluster/owner/counter/alice").json();
    String backup = owners.get("replicas").get(0).asText();
    String forged = "{\"version\":99,\"state\":{\"total\":{\"p\":{\"attacker\":1000000},\"n\":{}}},\"owner\":\""
        + owners.get("owner").asText() + "\"}";

    // 1. The client port has no internal calls.
    for (String path : new String[] {"/internal/replicas/counter/alice"}) {
      Http.Reply r = Http.put(cluster.url(backup) + path, forged);
      assertEquals(404, r.status(), r.body());
    }
    assertEquals(404, Http.get(cluster.url(backup) + "/internal/replicas/counter/alice").status());
    assertEquals(404, Http.post(cluster.url(backup) + "/internal/replicas", "[" + forged + "]").status());
    assertEquals(404, Http.post(cluster.url(backup) + "/internal/join", "{\"node\":\"evil\"}").status());
    assertEquals(404, Http.post(cluster.url(backup) + "/internal/merge/counter/alice?from=evil", forged).status());

    // 2. The peer port refuses a connection that does not prove the cluster secret.
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try (PeerNetwork stranger = new PeerNetwork("node9", "a-guessed-secret-000000".getBytes(StandardCharsets.UTF_8), 1)) {
      stranger.start("127.0.0.1", 0, null, (r, from, d) -> new CompletableFuture<>(), new Timeouts(timer, timer));
      PeerRequest copy = PeerRequest.of(PeerOp.COPY, new WorkerKey("counter", "alice"), -1,
          forged.getBytes(StandardCharsets.UTF_8));
      assertThrows(ExecutionException.class, () -> stranger.client()
          .send("127.0.0.1:" + cluster.node(backup).peerPort(), copy, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
    } finally {
      timer.shutdownNow();
    }
    assertEquals(1, PeerCalls.fetch(cluster.node(backup), "counter", "alice").json().get("version").asLong(),
        "the backup's copy is unchanged");
    assertEquals(5, Http.get(base + "/workers/counter/alice").json().at("/state/total").asLong());

    // 3. ZooKeeper: readable by anyone, writable only with the cluster's credential.
    ClusterPaths paths = ClusterPaths.of(cluster.cluster);
    try (CuratorFramework plain = CuratorFrameworkFactory.newClient(cluster.connectString(), new RetryOneTime(100))) {
      plain.start();
      assertTrue(plain.blockUntilConnected(10, TimeUnit.SECONDS));
      byte[] ring = plain.getData().forPath(paths.ring());
      assertTrue(ring.length > 0, "the ring is readable (zkCli inspection)");
      assertThrows(KeeperException.NoAuthException.class, () -> plain.setData().forPath(paths.ring(), new byte[] {1}));
      assertThrows(KeeperException.NoAuthException.class,
          () -> plain.create().forPath(paths.member("evil"), new byte[] {1}));
      assertThrows(KeeperException.NoAuthException.class, () -> plain.delete().forPath(paths.member("node1")));
    }

    // 4. Leaving needs the admin token.
    assertEquals(401, Http.post(cluster.url("node3") + "/admin/leave", "").status());
    assertEquals(401, Http.send(HttpRequest.newBuilder(URI.create(cluster.url("node3") + "/admin/leave"))
        .header("Authorization", "Bearer wrong-token-wrong-token").POST(HttpRequest.BodyPublishers.noBody())).status());
    assertEquals(Set.of("node1", "node2", "node3"), cluster.node("node1").ringNodes(), "nobody left");
    Http.Reply leave = Http.send(HttpRequest.newBuilder(URI.create(cluster.url("node3") + "/admin/leave"))
        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(202, leave.status(), leave.body());
    Await.until("node3 left the ring", Duration.ofSeconds(30),
        () -> cluster.node("node1").ringNodes().equals(Set.of("node1", "node2")));
  }
}
