package dev.ringleader.supervisor.internal.http;

import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.internal.activation.WorkerTypes;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.node.NodeMetrics;
import dev.ringleader.supervisor.internal.node.WorkerIds;
import dev.ringleader.supervisor.internal.routing.Call;
import dev.ringleader.supervisor.internal.routing.Router;
import dev.ringleader.worker.WorkerKey;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The HTTP API of DESIGN.md. Worker calls are parsed and checked here, then handed to the
 * {@link Router}; the exchange is answered when the router's future completes, never blocking an IO
 * thread. Bad input is answered here with a JSON error and goes no further.
 */
public final class HttpApi {

  private final Router router;
  private final Runnable leave;
  private final AdminToken admin;
  private final WorkerTypes types;
  private final Settings settings;
  private final NodeMetrics metrics;
  private final Views views;
  private final AtomicLong requestKeys = new AtomicLong();
  private final String keyPrefix;
  private final BodyReader bodies;

  public HttpApi(Router router, WorkerTypes types, Settings settings, NodeMetrics metrics, Views views,
      AdminToken admin, Runnable leave) {
    this.router = router;
    this.admin = admin;
    this.leave = leave;
    this.types = types;
    this.settings = settings;
    this.metrics = metrics;
    this.views = views;
    this.bodies = new BodyReader(settings);
    this.keyPrefix = settings.nodeId() + "-" + Long.toString(System.currentTimeMillis(), 36) + "-";
  }

  public HttpHandler handler() {
    RoutingHandler routes = new RoutingHandler()
        .get("/request/{id}", ex -> {
          if (settings.requestType() == null) {
            send(ex, ErrorResponses.of(CallError.NOT_FOUND, "GET /request/{id} needs a request type: this node has "
                + "none (setting --request-type)"));
          } else {
            worker(ex, Call.Kind.REQUEST, settings.requestType(), param(ex, "id"));
          }
        })
        .get("/workers/{type}/{id}", ex -> worker(ex, Call.Kind.READ, param(ex, "type"), param(ex, "id")))
        .post("/workers/{type}/{id}", ex -> worker(ex, Call.Kind.TELL, param(ex, "type"), param(ex, "id")))
        .get("/", ex -> dashboard(ex, "index.html"))
        .get("/dashboard/{file}", ex -> dashboard(ex, param(ex, "file")))
        .get("/cluster", blocking(views::cluster))
        .get("/cluster/ring", ex -> send(ex, views.ringArcs(intParam(ex, "max", 720))))
        .get("/cluster/events", ex -> send(ex, Answer.ok(views.events(intParam(ex, "limit", 50)))))
        .get("/cluster/owner/{type}/{id}", ex -> withKey(ex, key -> send(ex, views.owner(key))))
        .get("/node/workers", ex -> send(ex, views.nodeWorkers()))
        .get("/node/history/{type}/{id}", ex -> withKey(ex, key -> send(ex, views.localHistory(key))))
        .get("/cluster/history/{type}/{id}", ex -> withKey(ex, key -> {
          CompletableFuture<Answer> answer = views.clusterHistory(key);
          ex.dispatch(SameThreadExecutor.INSTANCE, () -> answer.whenComplete((a, err) ->
              send(ex, err != null ? ErrorResponses.of(err) : a)));
        }))
        .get("/health", ex -> send(ex, views.health()))
        // Kubernetes conventions: live = the process is up (restart it if not); ready = it serves
        // its share of IDs (503 while joining, leaving, frozen or cut off in partition mode consistent).
        .get("/health/live", ex -> send(ex, views.live()))
        .get("/health/ready", ex -> send(ex, views.health()))
        .get("/metrics", ex -> {
          ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
          ex.getResponseSender().send(metrics.scrape());
        })
        .post("/admin/leave", ex -> {
          if (!admin.allows(ex)) {
            send(ex, admin.refusal());
            return;
          }
          leave.run();
          send(ex, new Answer(202, Json.bytes(java.util.Map.of("status", "leaving", "node", settings.nodeId(),
              "message", "handing workers over; the node stops when done")), null));
        })
        .setFallbackHandler(ex -> send(ex, ErrorResponses.of(CallError.NOT_FOUND,
            "no such path: " + ex.getRequestMethod() + " " + ex.getRequestPath()
                + " (see GET /cluster, GET /request/{id}, GET|POST /workers/{type}/{id})")))
        .setInvalidMethodHandler(ex -> send(ex, ErrorResponses.of(CallError.METHOD_NOT_ALLOWED,
            ex.getRequestMethod() + " is not allowed on " + ex.getRequestPath())));
    return ex -> {
      try {
        routes.handleRequest(ex);
      } catch (RuntimeException e) {
        send(ex, ErrorResponses.of(e));
      }
    };
  }

  /** Static dashboard files from the jar (resources under {@code dashboard/}); no build step. */
  private static void dashboard(HttpServerExchange ex, String file) {
    if (!file.matches("[a-z0-9-]{1,40}\\.(html|js|css|svg)")) {
      send(ex, ErrorResponses.of(CallError.NOT_FOUND, "no such dashboard file: " + file));
      return;
    }
    byte[] bytes = DASHBOARD.get(file);
    if (bytes == null) {
      bytes = dashboardFile(file);
      if (bytes != null) {
        DASHBOARD.putIfAbsent(file, bytes);
      }
    }
    if (bytes == null) {
      send(ex, ErrorResponses.of(CallError.NOT_FOUND, "no such dashboard file: " + file));
      return;
    }
    String type = file.endsWith(".html") ? "text/html; charset=utf-8" : file.endsWith(".js")
        ? "text/javascript; charset=utf-8" : file.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
    ex.getResponseSender().send(java.nio.ByteBuffer.wrap(bytes));
  }

  /**
   * Dashboard files read so far. Bound: only files that exist are kept (a miss is not), so it holds
   * at most the dashboard's files in the jar, however many names clients ask for.
   */
  private static final java.util.Map<String, byte[]> DASHBOARD = new java.util.concurrent.ConcurrentHashMap<>();

  /** The file's bytes from the jar, or null when there is no such (non-empty) file. */
  private static byte[] dashboardFile(String file) {
    try (java.io.InputStream in = HttpApi.class.getResourceAsStream("/dashboard/" + file)) {
      byte[] bytes = in == null ? null : in.readAllBytes();
      return bytes == null || bytes.length == 0 ? null : bytes;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** How many dashboard files are cached (for tests). */
  public static int dashboardCacheSize() {
    return DASHBOARD.size();
  }

  private static int intParam(HttpServerExchange ex, String name, int def) {
    var v = ex.getQueryParameters().get(name);
    try {
      return v == null ? def : Math.max(1, Math.min(10_000, Integer.parseInt(v.getFirst())));
    } catch (NumberFormatException e) {
      return def;
    }
  }

  private static String param(HttpServerExchange ex, String name) {
    return ex.getQueryParameters().get(name).getFirst();
  }

  /** The one check of a {type}/{id} pair: a JSON error for a bad one, or null. */
  private Answer badKey(String type, String id) {
    return badKey(types, type, id);
  }

  /** Why {@code type}/{@code id} names no worker (unknown type, invalid id), or null: one check for every caller. */
  public static Answer badKey(WorkerTypes types, String type, String id) {
    if (types.get(type) == null) {
      return ErrorResponses.of(CallError.UNKNOWN_TYPE, "no worker type '" + type + "'; known types: " + types.names());
    }
    if (!WorkerIds.valid(id)) {
      return ErrorResponses.of(CallError.BAD_REQUEST, "invalid id: use 1-128 characters from letters, digits and . _ ~ : @ -");
    }
    return null;
  }

  private void worker(HttpServerExchange ex, Call.Kind kind, String type, String id) {
    long start = System.nanoTime();
    Answer bad = badKey(type, id);
    if (bad != null) {
      send(ex, bad);
      return;
    }
    WorkerKey key = new WorkerKey(type, id);
    long callerEpoch = epochHeader(ex);
    if (kind == Call.Kind.REQUEST) {
      dispatch(ex, kind, start, new Call(kind, key, Json.object(), null, callerEpoch));
      return;
    }
    if (kind == Call.Kind.READ) {
      dispatch(ex, kind, start, new Call(kind, key, null, null, callerEpoch));
      return;
    }
    String requestKey = ex.getRequestHeaders().getFirst(Router.IDEMPOTENCY_HEADER);
    if (requestKey != null && (requestKey.isEmpty() || requestKey.length() > 128)) {
      send(ex, ErrorResponses.of(CallError.BAD_REQUEST, "the Idempotency-Key header must be 1-128 characters"));
      return;
    }
    String key2 = requestKey != null ? requestKey : keyPrefix + requestKeys.incrementAndGet();
    bodies.readJson(ex, settings.maxBodyBytes(),
        message -> dispatch(ex, kind, start, new Call(kind, key, message, key2, callerEpoch)));
  }

  /** Checks {type}/{id} like a worker call does, then runs {@code then}. */
  private void withKey(HttpServerExchange ex, java.util.function.Consumer<WorkerKey> then) {
    String type = param(ex, "type");
    String id = param(ex, "id");
    Answer bad = badKey(type, id);
    if (bad != null) {
      send(ex, bad);
    } else {
      then.accept(new WorkerKey(type, id));
    }
  }

  private static long epochHeader(HttpServerExchange ex) {
    String v = ex.getRequestHeaders().getFirst(Router.EPOCH_HEADER);
    if (v == null) {
      return -1;
    }
    try {
      return Math.max(0, Long.parseLong(v));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Answers the exchange when {@code answer} completes, without holding the IO thread meanwhile. */
  private static void sendWhenDone(HttpServerExchange ex, CompletableFuture<Answer> answer) {
    ex.dispatch(SameThreadExecutor.INSTANCE, () -> answer.whenComplete((a, err) ->
        send(ex, err != null ? ErrorResponses.of(err) : a)));
  }

  private void dispatch(HttpServerExchange ex, Call.Kind kind, long start, Call call) {
    CompletableFuture<Answer> answer = router.route(call);
    ex.dispatch(SameThreadExecutor.INSTANCE, () -> answer.whenComplete((a, err) -> {
      Answer out = err != null ? ErrorResponses.of(err) : a;
      metrics.request(call.key().type(), kind.name(), out.status(), System.nanoTime() - start);
      send(ex, out);
    }));
  }

  private static HttpHandler blocking(Supplier<Answer> view) {
    return new HttpHandler() {
      @Override
      public void handleRequest(HttpServerExchange ex) {
        if (ex.isInIoThread()) {
          ex.dispatch(this);
          return;
        }
        send(ex, view.get());
      }
    };
  }

  private static final io.undertow.util.HttpString ACCESS_CONTROL_ALLOW_ORIGIN =
      new io.undertow.util.HttpString("Access-Control-Allow-Origin");

  static void send(HttpServerExchange ex, Answer answer) {
    ex.setStatusCode(answer.status());
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    // Read-only views are fetched across nodes by the dashboard (another port is another origin).
    ex.getResponseHeaders().put(ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    if (answer.retryAfter() != null) {
      ex.getResponseHeaders().put(Headers.RETRY_AFTER, answer.retryAfter());
    }
    ex.getResponseSender().send(java.nio.ByteBuffer.wrap(answer.body()));
  }

}
