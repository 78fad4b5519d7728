package dev.ringleader.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ringleader.call.CallError;
import dev.ringleader.call.CallException;
import java.io.Closeable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client of a Ringleader cluster for a JVM that is not a member: it keeps a snapshot of the hash
 * ring (from any node's {@code GET /cluster}) and sends each call straight to the owner of its ID,
 * so no node forwards it. Writes carry an {@code Idempotency-Key} and are retried with the same key
 * on {@code 421}, {@code 503}, {@code 504} and connection failures, a bounded number of times with
 * back-off (see {@link Builder}); so a write the client reports as done was applied exactly once.
 *
 * <p>Life cycle, as Curator's recipes: LATENT → {@link #start()} (reads the first snapshot from a
 * seed) → STARTED → {@link #close()} → CLOSED. Starting twice, or calling before start or after
 * close, throws {@link IllegalStateException}.
 *
 * <p>Every call is non-blocking: it returns a stage completed on the client's callback threads
 * with the answer, or exceptionally with a {@link CallException} (the HTTP API's error vocabulary,
 * {@link CallError}). Bound: at most {@link Builder#maxInFlight} calls at once; a call beyond that
 * fails at once with {@link CallError#TOO_MANY_CALLS}.
 *
 * <pre>{@code
 * try (RingleaderClient client = RingleaderClient.builder().seeds("http://127.0.0.1:8081").build()) {
 *   client.start();
 *   Reply r = client.ask("player", "alice", Map.of("reward", 5)).toCompletableFuture().join();
 *   long score = r.value().path("score").asLong();
 * }
 * }</pre>
 *
 * <p>Threads and locks: the snapshot and the call bookkeeping are lock-free; the transport holds
 * one short monitor per node's connection pool (never while calling out). The client owns its IO
 * threads, one timer thread and its callback threads, all daemons, all stopped by {@link #close()}.
 */
public final class RingleaderClient implements Closeable {
  private enum State { LATENT, STARTED, CLOSED }

  private final ClientConfig config;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final ScheduledExecutorService timer;
  private final ExecutorService callbacks;
  private final Transport transport;
  private final RingView ring;
  private final Calls calls;
  private final IdempotencyKeys keys = new IdempotencyKeys();
  private volatile ScheduledFuture<?> refresher;

  private RingleaderClient(ClientConfig config) {
    this.config = config;
    this.timer = ClientThreads.timer();
    this.callbacks = ClientThreads.callbacks();
    this.transport = new Transport(config.ioThreads(), timer);
    this.ring = new RingView(config.seeds(), transport, config.json(),
        min(config.attemptTimeout(), Duration.ofSeconds(2)));
    this.calls = new Calls(config, ring, transport, timer, callbacks);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the first ring snapshot from the seeds (one after another) and starts the periodic
   * refresh. Blocks the calling thread for at most the call timeout.
   *
   * @throws IllegalStateException when started before, or closed
   * @throws CallException {@link CallError#UNREACHABLE} when no seed answered {@code GET /cluster}
   */
  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("the client can be started only once; it is " + state.get());
    }
    try {
      ring.refresh().get(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      close();
      Throwable cause = e.getCause();
      throw cause instanceof CallException c
          ? new CallException(c.error(), "cannot start the client: " + c.getMessage()) : new CallException(
              CallError.UNREACHABLE, "cannot start the client: " + cause);
    } catch (TimeoutException e) {
      close();
      throw new CallException(CallError.UNREACHABLE, "cannot start the client: no seed of " + config.seeds()
          + " answered GET /cluster within " + config.callTimeout().toMillis() + " ms");
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the client", e);
    }
    long every = config.ringRefresh().toNanos();
    refresher = timer.scheduleWithFixedDelay(ring::refresh, every, every, TimeUnit.NANOSECONDS);
  }

  /**
   * Sends {@code message} (serialised with the client's ObjectMapper; a {@link JsonNode} as it is)
   * to worker {@code type/id}: {@code POST /workers/{type}/{id}} on its owner, with a new
   * Idempotency-Key that every retry of this call reuses, within the call timeout.
   */
  public CompletionStage<Reply> ask(String type, String id, Object message) {
    return ask(type, id, message, keys.next(), config.callTimeout());
  }

  /**
   * As {@link #ask(String, String, Object)}, with the caller's own key (1-128 characters; a call
   * sent again with the same key, by this or any client, is applied once while the worker remembers
   * it) and timeout (the whole call, retries included).
   */
  public CompletionStage<Reply> ask(String type, String id, Object message, String idempotencyKey, Duration timeout) {
    checkStarted();
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    if (idempotencyKey.isEmpty() || idempotencyKey.length() > 128) {
      throw new IllegalArgumentException("idempotencyKey must be 1-128 characters, was " + idempotencyKey.length());
    }
    SettingChecks.positive("timeout", timeout);
    CallException bad = WorkerNames.badKey(type, id);
    if (bad != null) {
      return CompletableFuture.failedFuture(bad);
    }
    String body;
    try {
      body = config.json().writeValueAsString(message);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(new CallException(CallError.BAD_JSON,
          "the message cannot be written as JSON: " + e.getMessage()));
    }
    Request r = new Request("POST", type, id, "/workers/" + type + "/" + id, body, idempotencyKey);
    return calls.call(r, timeout).thenApply(json -> reply(type, id, json, "reply"));
  }

  /** As {@link #ask(String, String, Object)}, with the reply read as {@code replyType} by the ObjectMapper. */
  public <R> CompletionStage<R> ask(String type, String id, Object message, Class<R> replyType) {
    Objects.requireNonNull(replyType, "replyType");
    return ask(type, id, message).thenApply(reply -> {
      try {
        return config.json().treeToValue(reply.value(), replyType);
      } catch (Exception e) {
        throw new CallException(CallError.INTERNAL, "the reply of " + type + "/" + id + " is not a "
            + replyType.getName() + ": " + e.getMessage());
      }
    });
  }

  /** The worker's state view: {@code GET /workers/{type}/{id}} on its owner (starts the worker if needed). */
  public CompletionStage<Reply> read(String type, String id) {
    checkStarted();
    CallException bad = WorkerNames.badKey(type, id);
    if (bad != null) {
      return CompletableFuture.failedFuture(bad);
    }
    Request r = new Request("GET", type, id, "/workers/" + type + "/" + id, null, null);
    return calls.call(r, config.callTimeout()).thenApply(json -> reply(type, id, json, "state"));
  }

  /**
   * {@code GET /request/{id}} on the owner of {@code id} for the nodes' request type ({@link
   * Builder#requestType}): the answer as the node gives it, e.g. {@code {"id","value","node",...}}.
   */
  public CompletionStage<JsonNode> request(String id) {
    checkStarted();
    CallException bad = WorkerNames.badKey(config.requestType(), id);
    if (bad != null) {
      return CompletableFuture.failedFuture(bad);
    }
    return calls.call(new Request("GET", config.requestType(), id, "/request/" + id, null, null), config.callTimeout());
  }

  /** The node the client sends calls for {@code type/id} to now, by its snapshot; empty if the ring is empty. */
  public Optional<String> owner(String type, String id) {
    return Optional.ofNullable(ring.current().ring().owner(type, id));
  }

  /** The epoch of the client's ring snapshot (0 before the first). */
  public long ringEpoch() {
    return ring.current().epoch();
  }

  /** What the client did so far: calls, attempts, 421s seen, failures, rejected calls, ring fetches. */
  public Stats stats() {
    return new Stats(calls.calls.sum(), calls.attempts.sum(), calls.wrongOwner.sum(), calls.failed.sum(),
        calls.rejected.sum(), ring.fetches(), calls.inFlight());
  }

  /**
   * Counters of one client since it was built.
   *
   * @param calls calls accepted (not rejected)
   * @param attempts HTTP requests sent for them (first tries and retries)
   * @param wrongOwner {@code 421 wrong_owner} answers: calls that reached a node that did not own the ID
   * @param failed calls that completed exceptionally
   * @param rejected calls refused at once because {@code maxInFlight} were in flight
   * @param ringFetches {@code GET /cluster} requests sent
   * @param inFlight calls in flight now
   */
  public record Stats(long calls, long attempts, long wrongOwner, long failed, long rejected, long ringFetches,
      long inFlight) {}

  /** Stops the refresh, fails the calls in flight with {@link CallError#UNREACHABLE}, closes connections and threads. */
  @Override
  public void close() {
    State was = state.getAndSet(State.CLOSED);
    if (was == State.CLOSED) {
      return;
    }
    ScheduledFuture<?> r = refresher;
    if (r != null) {
      r.cancel(false);
    }
    calls.failAll("the client was closed");
    timer.shutdownNow();
    transport.close();
    callbacks.shutdown();
  }

  private void checkStarted() {
    State s = state.get();
    if (s != State.STARTED) {
      throw new IllegalStateException("the client is " + s + "; call start() first"
          + (s == State.CLOSED ? " (it was closed: build a new one)" : ""));
    }
  }

  private static Reply reply(String type, String id, JsonNode json, String field) {
    return new Reply(json.path("type").asText(type), json.path("id").asText(id), json.path("node").asText(null),
        json.path(field));
  }

  /** Unwraps CompletionException layers: what a caller of {@code join()} wants to look at. */
  static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Builds a client; every setting is checked here and a bad one throws {@link
   * IllegalArgumentException} naming it. Defaults:
   *
   * <table>
   *   <caption>Settings</caption>
   *   <tr><th>setting</th><th>default</th><th>allowed</th><th>meaning</th></tr>
   *   <tr><td>seeds</td><td>(required)</td><td>http URLs</td><td>any nodes' client URLs; the first snapshot comes from one of them</td></tr>
   *   <tr><td>callTimeout</td><td>15 s</td><td>&gt; 0</td><td>a whole call, retries included</td></tr>
   *   <tr><td>attemptTimeout</td><td>5 s</td><td>&gt; 0, &lt;= callTimeout</td><td>one HTTP request</td></tr>
   *   <tr><td>maxAttempts</td><td>5</td><td>1-100</td><td>HTTP requests per call, the first included</td></tr>
   *   <tr><td>backoff</td><td>50 ms, 2 s</td><td>0 &lt; initial &lt;= max</td><td>delay before retry n: min(max, initial x 2^(n-1)) x [0.5, 1)</td></tr>
   *   <tr><td>ringRefresh</td><td>1 s</td><td>&gt;= 10 ms</td><td>period of the snapshot refresh</td></tr>
   *   <tr><td>maxInFlight</td><td>4096</td><td>1-1,000,000</td><td>calls at once; beyond, calls fail with too_many_calls</td></tr>
   *   <tr><td>requestType</td><td>cache</td><td>a type name</td><td>the nodes' request-type, which routes {@link #request}</td></tr>
   *   <tr><td>objectMapper</td><td>a new ObjectMapper</td><td>not null</td><td>writes messages, reads replies</td></tr>
   *   <tr><td>ioThreads</td><td>1</td><td>1-64</td><td>the client's IO threads</td></tr>
   * </table>
   */
  public static final class Builder {
    private final List<String> seeds = new ArrayList<>();
    private Duration callTimeout = Duration.ofSeconds(15);
    private Duration attemptTimeout = Duration.ofSeconds(5);
    private int maxAttempts = 5;
    private Duration backoffInitial = Duration.ofMillis(50);
    private Duration backoffMax = Duration.ofSeconds(2);
    private Duration ringRefresh = Duration.ofSeconds(1);
    private int maxInFlight = 4096;
    private String requestType = "cache";
    private ObjectMapper objectMapper;
    private int ioThreads = 1;

    private Builder() {}

    /** Client URLs of any nodes (e.g. {@code http://127.0.0.1:8081}); replaces earlier seeds. */
    public Builder seeds(List<URI> seeds) {
      List<String> urls = SettingChecks.seeds(seeds);
      this.seeds.clear();
      this.seeds.addAll(urls);
      return this;
    }

    /** As {@link #seeds(List)}, from strings. */
    public Builder seeds(String... seeds) {
      return seeds(SettingChecks.seedUris(seeds));
    }

    public Builder callTimeout(Duration timeout) {
      this.callTimeout = SettingChecks.positive("callTimeout", timeout);
      return this;
    }

    public Builder attemptTimeout(Duration timeout) {
      this.attemptTimeout = SettingChecks.positive("attemptTimeout", timeout);
      return this;
    }

    public Builder maxAttempts(int attempts) {
      this.maxAttempts = SettingChecks.between("maxAttempts", attempts, 1, 100);
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      SettingChecks.backoff(initial, max);
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    public Builder ringRefresh(Duration every) {
      this.ringRefresh = SettingChecks.ringRefresh(every);
      return this;
    }

    public Builder maxInFlight(int calls) {
      this.maxInFlight = SettingChecks.between("maxInFlight", calls, 1, 1_000_000);
      return this;
    }

    public Builder requestType(String type) {
      this.requestType = SettingChecks.requestType(type);
      return this;
    }

    public Builder objectMapper(ObjectMapper mapper) {
      this.objectMapper = SettingChecks.objectMapper(mapper);
      return this;
    }

    public Builder ioThreads(int threads) {
      this.ioThreads = SettingChecks.between("ioThreads", threads, 1, 64);
      return this;
    }

    /** A LATENT client; {@link RingleaderClient#start()} it. */
    public RingleaderClient build() {
      SettingChecks.complete(seeds, callTimeout, attemptTimeout);
      return new RingleaderClient(new ClientConfig(List.copyOf(seeds), callTimeout, attemptTimeout, maxAttempts,
          new Backoff(backoffInitial, backoffMax), ringRefresh, maxInFlight, requestType,
          objectMapper != null ? objectMapper : new ObjectMapper(), ioThreads));
    }
  }
}
