package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 (docs/failover.md): a member whose peer port refuses connections has crashed; the leader
 * (or, for the leader, its deputy) ends its ZooKeeper session at once instead of waiting out the
 * session timeout. Here the timeout is 30 s, so anything that happens within the test's 15 s
 * deadline came from the fast path.
 */
class CrashDetectorTest {
  private static final Map<String, String> SETTINGS = Map.of("replication", "2", "session-timeout-ms", "30000",
      "route-wait-ms", "3000");
  private TestCluster cluster;

  @AfterEach
  void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private void startThree() throws Exception {
    cluster = new TestCluster(SETTINGS, List.of(new CounterType(), new TickType(Duration.ofMinutes(1))));
    for (String id : List.of("node1", "node2", "node3")) {
      cluster.startBehindProxy(id);
    }
    cluster.awaitRing(Set.of("node1", "node2", "node3"));
  }

  private List<String> idsOwnedBy(String node, int n) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; out.size() < n && i < 2000; i++) {
      if (Http.get(cluster.url("node1") + "/cluster/owner/counter/c" + i).json().get("owner").asText().equals(node)) {
        out.add("c" + i);
      }
    }
    return out;
  }

  private void killAndCheck(String victim) throws Exception {
    List<String> ids = idsOwnedBy(victim, 10);
    String entry = cluster.nodes.keySet().stream().filter(n -> !n.equals(victim)).findFirst().orElseThrow();
    for (String id : ids) {
      for (int k = 1; k <= 3; k++) {
        assertEquals(200, Http.post(cluster.url(entry) + "/workers/counter/" + id, "{\"add\":" + k + "}", id + "-" + k)
            .status());
      }
    }
    cluster.kill(victim);
    Set<String> rest = new java.util.TreeSet<>(cluster.nodes.keySet());
    Await.until("the survivors' ring drops " + victim + " long before its 30 s session ends", Duration.ofSeconds(15),
        () -> cluster.nodes.values().stream().allMatch(n -> n.ringNodes().equals(rest)));
    for (String id : ids) {
      Http.Reply r = Http.get(cluster.url(entry) + "/workers/counter/" + id);
      assertEquals(200, r.status(), r.body());
      assertEquals(6, r.json().at("/state/total").asLong(), id + " kept every acknowledged update");
    }
    Await.until("a survivor counted the crash it detected", Duration.ofSeconds(5), () -> rest.stream().anyMatch(n ->
        Http.get(cluster.url(n) + "/metrics").body().contains("ringleader_crashes_detected_total{evidence=\"refused\"")));
  }

  @Test
  void aKilledMemberIsEndedByTheLeaderAndItsIdsServeFromTheBackups() throws Exception {
    startThree();
    String victim = cluster.nodes.values().stream().filter(n -> !n.isLeader()).findFirst().orElseThrow().name();
    killAndCheck(victim);
  }

  @Test
  void aKilledLeaderIsEndedByItsDeputyAndAnotherNodeLeads() throws Exception {
    startThree();
    String leader = cluster.nodes.values().stream().filter(RingleaderNode::isLeader).findFirst().orElseThrow().name();
    killAndCheck(leader);
    assertEquals(1, cluster.nodes.values().stream().filter(RingleaderNode::isLeader).count(), "a new leader");
  }

  private long silentProbes() {
    long n = 0;
    for (String node : List.of("node1", "node2")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "ringleader_crash_probes_total\\{[^}]*outcome=\"silent\"[^}]*\\} ([0-9.E]+)")
          .matcher(Http.get(cluster.url(node) + "/metrics").body());
      while (m.find()) {
        n += (long) Double.parseDouble(m.group(1));
      }
    }
    return n;
  }

  @Test
  void aSilentMemberIsNotDeclaredCrashed() throws Exception {
    cluster = TestCluster.splittable("available"); // 3 s session: silence ends in the usual expiry
    // node3's peer port is cut from the others: its proxy holds the bytes, nothing is refused.
    cluster.cutLink("node1", "node3");
    cluster.cutLink("node2", "node3");
    Await.until("five probes of node3 went unanswered", Duration.ofSeconds(10), () -> silentProbes() >= 5);
    assertEquals(Set.of("node1", "node2", "node3"), cluster.node("node1").ringNodes(),
        "silence is no evidence: node3 is still in the ring");
    for (String node : List.of("node1", "node2")) {
      String metrics = Http.get(cluster.url(node) + "/metrics").body();
      assertTrue(!metrics.contains("ringleader_crashes_detected_total{"), node + " declared no crash");
    }
  }

  /**
   * A restarted process on the same peer port answers as a new incarnation: the old member znode
   * (still held by the dead process's session) is ended at once. Here the "old process" is a member
   * registered by a ZooKeeper client of the test (startedAt 1), and the process answering at its peer
   * address is a peer network named like it with incarnation 2: no refusal ever happens.
   */
  @Test
  void anotherIncarnationAnsweringAtAMembersAddressEndsThatMembersSession() throws Exception {
    cluster = new TestCluster(SETTINGS, List.of(new CounterType(), new TickType(Duration.ofMinutes(1))));
    cluster.start("node1");
    cluster.awaitRing(Set.of("node1"));
    byte[] secret = TestCluster.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var builder = org.apache.curator.framework.CuratorFrameworkFactory.builder().connectString(cluster.connectString())
        .sessionTimeoutMs(30_000).retryPolicy(new org.apache.curator.retry.RetryOneTime(100));
    dev.ringleader.registry.ZooKeeperAccess.fromSecret(secret).applyTo(builder);
    var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try (var oldProcess = builder.build();
        var restarted = new dev.ringleader.supervisor.internal.peer.PeerNetwork("node9", 2, secret, 1)) {
      oldProcess.start();
      oldProcess.blockUntilConnected();
      int port = restarted.start("127.0.0.1", 0, null, (r, from, d) -> null,
          new dev.ringleader.supervisor.internal.node.Timeouts(timer, Runnable::run));
      var paths = dev.ringleader.registry.ClusterPaths.of(cluster.cluster);
      var member = new dev.ringleader.registry.Membership(oldProcess, paths, new dev.ringleader.registry.Member("node9",
          "http://127.0.0.1:1", "127.0.0.1:" + port, 1, 1, dev.ringleader.registry.MemberStatus.UP, null, null));
      member.start(Duration.ofSeconds(1));
      new dev.ringleader.registry.SessionTickets(oldProcess, paths, "node9", secret).publish(Runnable::run);
      Await.until("node1 ended node9's old session", Duration.ofSeconds(10), () -> {
        try {
          return cluster.observer().checkExists().forPath(paths.member("node9")) == null;
        } catch (Exception e) {
          return false;
        }
      });
      Await.until("node1 counted it", Duration.ofSeconds(5), () -> Http.get(cluster.url("node1") + "/metrics").body()
          .contains("ringleader_crashes_detected_total{evidence=\"new_incarnation\""));
    } finally {
      timer.shutdownNow();
    }
  }
}
