package dev.ringleader.supervisor;

import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.node.Smile;
import dev.ringleader.supervisor.internal.node.Timeouts;
import dev.ringleader.supervisor.internal.peer.PeerNetwork;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import dev.ringleader.supervisor.internal.peer.PeerResponse;
import dev.ringleader.worker.WorkerKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tests' way to talk to a node's peer port as another member would: a real {@link PeerNetwork} of
 * its own (node name {@code test-peer}), holding {@link TestCluster#SECRET}, over loopback. Its own
 * listener answers nothing useful (404).
 */
final class PeerCalls {
  private static PeerNetwork network;

  private PeerCalls() {}

  private static synchronized PeerNetwork network() {
    if (network == null) {
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-peer-timer");
        t.setDaemon(true);
        return t;
      });
      network = new PeerNetwork("test-peer", TestCluster.SECRET.getBytes(StandardCharsets.UTF_8), 1);
      network.start("127.0.0.1", 0, null, (r, from, deadline) -> CompletableFuture.completedFuture(
          ErrorResponses.of(CallError.NOT_FOUND, "a test peer")), new Timeouts(timer, timer));
    }
    return network;
  }

  /** Sends and waits for the answer; a failure to get one is an unchecked exception. */
  static Http.Reply send(RingleaderNode to, PeerRequest request) {
    PeerResponse r = sendRaw(to, request);
    return new Http.Reply(r.status(), r.body(), r.retryAfter());
  }

  private static PeerResponse sendRaw(RingleaderNode to, PeerRequest request) {
    try {
      return network().client().send("127.0.0.1:" + to.peerPort(), request, Duration.ofSeconds(15))
          .get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("no answer from the peer port of " + to.name() + ": " + e, e);
    }
  }

  /**
   * A copy of one worker, as its owner sends it after a commit: {@code json} goes as Smile (as nodes
   * send copies) when it is JSON, as its bytes otherwise; a 200 answer comes back as JSON.
   */
  static Http.Reply copy(RingleaderNode to, String type, String id, String json) {
    return asJson(sendRaw(to, PeerRequest.of(PeerOp.COPY, new WorkerKey(type, id), -1, smile(json))));
  }

  /** As {@link #copy}, for a {@code COPY_DELTA}. */
  static Http.Reply delta(RingleaderNode to, String type, String id, String json) {
    return asJson(sendRaw(to, PeerRequest.of(PeerOp.COPY_DELTA, new WorkerKey(type, id), -1, smile(json))));
  }

  /** The node's copy of one worker; a 200 answer (Smile on the wire) comes back as JSON. */
  static Http.Reply fetch(RingleaderNode to, String type, String id) {
    return asJson(sendRaw(to, PeerRequest.of(PeerOp.FETCH, new WorkerKey(type, id), -1,
        Smile.asking())));
  }

  /** JSON text as Smile; text that is not JSON as its bytes (to send garbage). */
  static byte[] smile(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    try {
      return Smile.bytes(Json.read(bytes));
    } catch (RuntimeException notJson) {
      return bytes;
    }
  }

  /** The answer, its body as JSON text: Smile transcoded, JSON as it came. */
  private static Http.Reply asJson(PeerResponse r) {
    if (!Smile.is(r.bytes())) {
      return new Http.Reply(r.status(), r.body(), r.retryAfter());
    }
    try {
      String json = new String(Json.bytes(Smile.MAPPER.readTree(r.bytes())), StandardCharsets.UTF_8);
      return new Http.Reply(r.status(), json, r.retryAfter());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("an answer with the Smile header that is not Smile", e);
    }
  }


  /** Many copies in one body, as the rebalancer sends them. */
  static Http.Reply batch(RingleaderNode to, String body) {
    return send(to, PeerRequest.of(PeerOp.COPY_BATCH, body.getBytes(StandardCharsets.UTF_8)));
  }
}
