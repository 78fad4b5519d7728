package dev.ringleader.supervisor.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.internal.activation.WorkerTypes;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.handoff.ConflictResolver;
import dev.ringleader.supervisor.internal.handoff.Handoff;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.node.NodeMetrics;
import dev.ringleader.supervisor.internal.node.Smile;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.peer.PeerHandler;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import dev.ringleader.supervisor.internal.replication.Replication;
import dev.ringleader.supervisor.internal.replication.StoredState;
import dev.ringleader.supervisor.internal.routing.Call;
import dev.ringleader.supervisor.internal.routing.Router;
import dev.ringleader.worker.WorkerKey;
import java.util.concurrent.CompletableFuture;

/**
 * The peer port's face: what an authenticated peer's request does ({@link PeerOp} lists them). The
 * same checks as the client API apply — a bad type or ID, a body that is not JSON — and a bad request
 * gets an error answer and changes nothing. Forwarded calls go through the same {@link Router} as
 * client calls, with the sender's epoch, so the owner answers exactly as to a client.
 */
public final class PeerApi implements PeerHandler {
  private final Router router;
  private final Replication replication;
  private final Handoff handoff;
  private final ConflictResolver resolver;
  private final Views views;
  private final WorkerTypes types;
  private final NodeMetrics metrics;
  private final String requestType;
  private final java.util.concurrent.Executor heavy;

  public PeerApi(Router router, Replication replication, Handoff handoff, ConflictResolver resolver, Views views,
      WorkerTypes types, NodeMetrics metrics, String requestType, java.util.concurrent.Executor heavy) {
    this.heavy = heavy;
    this.router = router;
    this.replication = replication;
    this.handoff = handoff;
    this.resolver = resolver;
    this.views = views;
    this.types = types;
    this.metrics = metrics;
    this.requestType = requestType;
  }

  /**
   * Runs on the peer connection's event loop: small requests are handled here (they only parse a
   * few hundred bytes and hand over); batches, merges, joins and any body over {@link #INLINE_BYTES}
   * are parsed on {@code heavy} so one big body never stalls the other requests of its connection.
   */
  @Override
  public CompletableFuture<Answer> handle(PeerRequest r, String from, long deadlineNanos) {
    int max = r.op() == PeerOp.MERGE ? PeerClient.MERGE_MAX_BYTES : PeerClient.INTERNAL_MAX_BYTES;
    if (r.body().length > max) {
      return done(BodyReader.tooLarge(max));
    }
    boolean big = r.op() == PeerOp.COPY_BATCH || r.op() == PeerOp.MERGE || r.op() == PeerOp.JOIN
        || r.body().length > INLINE_BYTES;
    return big ? CompletableFuture.supplyAsync(() -> inline(r, from, deadlineNanos), heavy).thenCompose(f -> f)
        : inline(r, from, deadlineNanos);
  }

  /** Bodies up to this size are parsed on the event loop. */
  static final int INLINE_BYTES = 16 * 1024;

  private CompletableFuture<Answer> inline(PeerRequest r, String from, long deadlineNanos) {
    switch (r.op()) {
      case PROBE:
        return done(views.health());
      case JOIN: {
        JsonNode b = body(r);
        return b != null ? handoff.prepareJoin(b) : done(badJson(r));
      }
      case COPY_BATCH: {
        JsonNode b = body(r);
        return b != null ? done(replication.acceptBatch(b)) : done(badJson(r));
      }
      default:
        break;
    }
    String type = r.op() == PeerOp.FORWARD_REQUEST && r.type().isEmpty() ? requestType : r.type();
    if (type == null) {
      return done(ErrorResponses.of(CallError.NOT_FOUND, "this node has no request type (setting --request-type)"));
    }
    Answer bad = HttpApi.badKey(types, type, r.id());
    if (bad != null) {
      return done(bad);
    }
    WorkerKey key = new WorkerKey(type, r.id());
    switch (r.op()) {
      case FORWARD_REQUEST:
        return forward(new Call(Call.Kind.REQUEST, key, Json.object(), null, Math.max(0, r.epoch())));
      case FORWARD_READ:
        return forward(new Call(Call.Kind.READ, key, null, null, Math.max(0, r.epoch())));
      case FORWARD_TELL: {
        if (r.requestKey() == null || r.requestKey().isEmpty() || r.requestKey().length() > 128) {
          return done(ErrorResponses.of(CallError.BAD_REQUEST, "a forwarded message needs a 1-128 character key"));
        }
        JsonNode message = body(r);
        return message != null
            ? forward(new Call(Call.Kind.TELL, key, message, r.requestKey(), Math.max(0, r.epoch())))
            : done(badJson(r));
      }
      case COPY: {
        long wallDeadline = System.currentTimeMillis() + Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
        return replication.accept(key, StoredState.readWire(r.body()), wallDeadline, Smile.is(r.body()));
      }
      case COPY_DELTA: {
        long wallDeadline = System.currentTimeMillis() + Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
        return replication.acceptDelta(key, r.body(), wallDeadline);
      }
      case FETCH:
        return done(replication.copy(key, Smile.is(r.body())));
      case HISTORY:
        return done(views.localHistory(key));
      case MERGE: {
        JsonNode state = body(r);
        return state != null ? resolver.accept(key, r.from() == null ? from : r.from(), state) : done(badJson(r));
      }
      default:
        return done(ErrorResponses.of(CallError.BAD_REQUEST, "op " + r.op() + " needs no worker"));
    }
  }

  private CompletableFuture<Answer> forward(Call call) {
    long start = System.nanoTime();
    return router.route(call).whenComplete((a, e) -> {
      if (a != null) {
        metrics.request(call.key().type(), call.kind().name(), a.status(), System.nanoTime() - start);
      }
    });
  }

  /** The body as JSON, or null when it is empty or not JSON. */
  private static JsonNode body(PeerRequest r) {
    if (r.body().length == 0) {
      return null;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(r.body());
      return n == null || n.isMissingNode() ? null : n;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static Answer badJson(PeerRequest r) {
    return ErrorResponses.of(CallError.BAD_JSON, r.op() + " needs one JSON value as its body ("
        + r.body().length + " bytes that are not one)");
  }

  private static CompletableFuture<Answer> done(Answer a) {
    return CompletableFuture.completedFuture(a);
  }
}
