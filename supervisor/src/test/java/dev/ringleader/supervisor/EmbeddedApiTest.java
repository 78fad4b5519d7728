package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallError;
import dev.ringleader.call.CallException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, the embedding API: nodes built with {@link RingleaderNode#builder()} and
 * {@link Settings#builder()}, called in-process with {@link WorkerRef#ask} (routed like HTTP),
 * failures as {@link CallException}s with the API's codes, cluster listeners, a meter registry of
 * the application's, workers calling workers and passivating themselves, the health probes.
 */
class EmbeddedApiTest {
  private final List<RingleaderNode> nodes = new ArrayList<>();
  private TestingServer zk;

  @AfterEach
  void close() throws Exception {
    nodes.forEach(RingleaderNode::crash);
    if (zk != null) {
      zk.close();
    }
  }

  /** A message class; the application's mapper writes it as {"add": n}, a plain one as {"n": n}. */
  record Plus(int n) {}

  abstract static class PlusAsAdd {
    @com.fasterxml.jackson.annotation.JsonProperty("add")
    abstract int n();
  }

  private RingleaderNode start(String id, ClusterListener listener, SimpleMeterRegistry meters) {
    return start(id, listener, meters, null);
  }

  private RingleaderNode start(String id, ClusterListener listener, SimpleMeterRegistry meters,
      com.fasterxml.jackson.databind.ObjectMapper mapper) {
    Settings settings = Settings.builder().cluster("api" + ProcessHandle.current().pid()).nodeId(id)
        .port(TestCluster.freePort()).peerPort(0).clusterSecret(TestCluster.SECRET).zookeeper(zk.getConnectString()).sessionTimeout(Duration.ofSeconds(3))
        .replication(2).build();
    NodeBuilder builder = RingleaderNode.builder().settings(settings).workerType(new CounterType())
        .workerType(new RelayType()).listener(listener).meterRegistry(meters);
    RingleaderNode node = (mapper != null ? builder.objectMapper(mapper) : builder).build();
    node.start();
    nodes.add(node);
    return node;
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static CallException failure(CompletionStage<?> stage) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> get(stage));
    assertTrue(e.getCause() instanceof CallException, "a CallException: " + e.getCause());
    return (CallException) e.getCause();
  }

  @Test
  void nodesBuiltInCodeAnswerInProcessCallsLikeHttp() throws Exception {
    zk = new TestingServer(true);
    List<String> events = new CopyOnWriteArrayList<>();
    ClusterListener listener = new ClusterListener() {
      @Override
      public void ringChanged(long epoch, Set<String> ring) {
        events.add("ring " + new java.util.TreeSet<>(ring));
      }

      @Override
      public void leadershipChanged(boolean leads) {
        events.add("leads " + leads);
      }
    };
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RingleaderNode node1 = start("node1", listener, meters,
        new com.fasterxml.jackson.databind.ObjectMapper().addMixIn(Plus.class, PlusAsAdd.class));
    RingleaderNode node2 = start("node2", new ClusterListener() { }, new SimpleMeterRegistry());
    Await.until("both nodes are in the ring", Duration.ofSeconds(20),
        () -> node1.ringNodes().equals(Set.of("node1", "node2")) && node2.ringNodes().equals(Set.of("node1", "node2")));
    Await.until("node1's listener heard the ring and its leadership", Duration.ofSeconds(10),
        () -> events.contains("ring [node1, node2]") && events.contains("leads true"));

    // One ID owned by each node: a local call and a forwarded one, both from node1.
    for (String owner : List.of("node1", "node2")) {
      String id = ownedBy(node1, owner);
      WorkerRef ref = node1.ref("counter", id);
      assertEquals(5, get(ref.ask(Map.of("add", 5))).get("total").asLong(), "owned by " + owner);
      assertEquals(12, get(ref.ask(Map.of("add", 7), "k1", Duration.ofSeconds(5))).get("total").asLong());
      assertEquals(12, get(ref.ask(Map.of("add", 7), "k1", Duration.ofSeconds(5))).get("total").asLong(),
          "a retry with the same key is applied once");
      assertEquals(12, get(node2.ref("counter", id).read()).get("total").asLong(), "the same from the other node");
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = get(ref.ask(Map.of("add", 1), Map.class));
      assertEquals(13, ((Number) typed.get("total")).intValue());
      // The application's ObjectMapper writes the messages of its node's refs.
      assertEquals(14, get(ref.ask(new Plus(1))).get("total").asLong(), "node1's mapper writes Plus as {\"add\":1}");
      assertEquals(CallError.BAD_MESSAGE, failure(node2.ref("counter", id).ask(new Plus(1))).error(),
          "node2's plain mapper writes {\"n\":1}, which the counter refuses");
    }

    // The failure vocabulary of the HTTP API.
    assertEquals(CallError.UNKNOWN_TYPE, failure(node1.ref("nope", "x").ask(Map.of())).error());
    assertEquals(CallError.BAD_REQUEST, failure(node1.ref("counter", "bad/id").ask(Map.of("add", 1))).error());
    CallException badMessage = failure(node1.ref("counter", "m").ask(Map.of("sub", 1)));
    assertEquals(CallError.BAD_MESSAGE, badMessage.error());
    assertEquals(400, badMessage.status());
    CallException crash = failure(node1.ref("counter", "m").ask(Map.of("add", "x")));
    assertEquals(CallError.WORKER_CRASHED, crash.error());
    assertEquals(1, crash.restarts().getAsInt());

    // A worker calls another worker through its context, and passivates itself when asked.
    String target = ownedBy(node1, "node2");
    assertEquals(3, get(node1.ref("relay", "r").ask(Map.of("to", target, "add", 3, "key", "relay-1")))
        .get("relayed").asLong());
    Await.until("the relayed message reached counter " + target, Duration.ofSeconds(10), () -> {
      try {
        return get(node2.ref("counter", target).read()).get("total").asLong() == 17; // 14 from the calls above, + 3 relayed
      } catch (Exception e) {
        return false;
      }
    });
    String relayOwner = ownerOf(node1, "relay", "r");
    RingleaderNode relayNode = relayOwner.equals("node1") ? node1 : node2;
    get(node1.ref("relay", "r").ask(Map.of("stop", true)));
    Await.until("the relay passivated itself", Duration.ofSeconds(10), () -> !Http.get(relayNode.url() + "/node/workers")
        .body().contains("\"type\":\"relay\""));

    // The application's meter registry has the node's meters; the health probes answer.
    assertTrue(meters.find("ringleader_workers_live").gauge() != null, "node meters in the application's registry");
    assertEquals(200, Http.get(node1.url() + "/health/live").status());
    assertEquals(200, Http.get(node1.url() + "/health/ready").status());
    Http.Reply noRequestType = Http.get(node1.url() + "/request/x");
    assertEquals(404, noRequestType.status(), noRequestType.body());
  }

  @Test
  void settingsInCodeAreValidatedLikeFlags() {
    SettingsException bad = assertThrows(SettingsException.class,
        () -> Settings.builder().nodeId("n1").clusterSecret(TestCluster.SECRET).replication(9).build());
    assertTrue(bad.getMessage().contains("replication"), bad.getMessage());
    IllegalStateException noTypes = assertThrows(IllegalStateException.class,
        () -> RingleaderNode.builder().settings(Settings.builder().nodeId("n1").clusterSecret(TestCluster.SECRET).build()).build());
    assertTrue(noTypes.getMessage().contains("worker type"), noTypes.getMessage());
    assertThrows(IllegalStateException.class, () -> RingleaderNode.builder()
        .settings(Settings.builder().nodeId("n1").clusterSecret(TestCluster.SECRET).build()).workerType(new CounterType()).build().ref("counter", "x"));
  }

  private static String ownedBy(RingleaderNode node, String owner) {
    for (int i = 0; ; i++) {
      if (ownerOf(node, "counter", "c" + i).equals(owner)) {
        return "c" + i;
      }
    }
  }

  private static String ownerOf(RingleaderNode node, String type, String id) {
    JsonNode owner = Http.get(node.url() + "/cluster/owner/" + type + "/" + id).json();
    return owner.get("owner").asText();
  }
}
