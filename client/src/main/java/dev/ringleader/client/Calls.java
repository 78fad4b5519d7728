package dev.ringleader.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.call.CallError;
import dev.ringleader.call.CallException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The path of one call, in a straight line: owner = ring.owner(type, id) in the snapshot → that
 * member's URL → one HTTP request with the snapshot's epoch ({@code X-Ringleader-Epoch}, so the
 * node answers {@code 421 wrong_owner} instead of forwarding when it does not own the ID) and, for
 * a write, the call's {@code Idempotency-Key} → the answer.
 *
 * <p>Retries, all with the same key, at most {@code maxAttempts} attempts in all and within the
 * call's timeout: {@code 421} refreshes the snapshot and retries at once (after a back-off if the
 * refreshed ring still names the same owner); {@code 503}, {@code 504}, a refused or broken
 * connection and an attempt that times out back off (exponential, with jitter) and retry, and
 * all but a worker's own overload refresh the snapshot too. Every other answer is final.
 *
 * <p>Threads: attempts start on the caller's thread, then on the client's IO threads (after an
 * answer) or its timer thread (after a back-off); none of them blocks. Callers' stages are
 * completed on the client's callback threads, never on an IO thread.
 *
 * <p>Bound: at most {@code maxInFlight} calls at once; a call beyond that fails at once with
 * {@link CallError#TOO_MANY_CALLS} and is not sent.
 */
final class Calls {
  static final String EPOCH_HEADER = "X-Ringleader-Epoch";
  static final String KEY_HEADER = "Idempotency-Key";

  private final ClientConfig config;
  private final RingView ring;
  private final Transport transport;
  private final ScheduledExecutorService timer;
  private final ExecutorService callbacks;
  private final AtomicInteger inFlight = new AtomicInteger();
  /** The results of the calls in flight, failed by {@link #failAll} when the client closes. */
  private final Set<CompletableFuture<JsonNode>> open = ConcurrentHashMap.newKeySet();
  final LongAdder calls = new LongAdder();
  final LongAdder attempts = new LongAdder();
  final LongAdder wrongOwner = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder rejected = new LongAdder();

  Calls(ClientConfig config, RingView ring, Transport transport, ScheduledExecutorService timer,
      ExecutorService callbacks) {
    this.config = config;
    this.ring = ring;
    this.transport = transport;
    this.timer = timer;
    this.callbacks = callbacks;
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Sends {@code r}; completes with the 2xx answer's JSON body, or fails with {@link CallException}. */
  CompletableFuture<JsonNode> call(Request r, Duration timeout) {
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    if (inFlight.incrementAndGet() > config.maxInFlight()) {
      inFlight.decrementAndGet();
      rejected.increment();
      result.completeExceptionally(new CallException(CallError.TOO_MANY_CALLS, "the client already has "
          + config.maxInFlight() + " calls in flight (maxInFlight); this one was not sent: slow down or raise it"));
      return result;
    }
    calls.increment();
    open.add(result);
    result.whenComplete((v, e) -> {
      inFlight.decrementAndGet();
      open.remove(result);
      if (e != null) {
        failed.increment();
      }
    });
    new Attempts(r, System.nanoTime() + timeout.toNanos(), timeout, result).attempt(0);
    return result;
  }

  /** Fails every call in flight (the client is closing). */
  void failAll(String why) {
    for (CompletableFuture<JsonNode> f : open) {
      f.completeExceptionally(new CallException(CallError.UNREACHABLE, why));
    }
  }

  /** The attempts of one call. */
  private final class Attempts {
    private final Request r;
    private final long deadline;
    private final Duration timeout;
    private final CompletableFuture<JsonNode> result;
    /** The failure of the latest attempt; written and read by one attempt at a time. */
    private volatile CallException last;

    Attempts(Request r, long deadline, Duration timeout, CompletableFuture<JsonNode> result) {
      this.r = r;
      this.deadline = deadline;
      this.timeout = timeout;
      this.result = result;
    }

    /** Attempt {@code n} (0-based). */
    void attempt(int n) {
      if (result.isDone()) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail(outOfTime(n));
        return;
      }
      Snapshot s = ring.current();
      String owner = s.ring().owner(r.type(), r.id());
      Snapshot.Member m = owner == null ? null : s.members().get(owner);
      if (m == null) {
        last = new CallException(owner == null ? CallError.NO_RING : CallError.NOT_SERVING, owner == null
            ? "the client's ring snapshot (epoch " + s.epoch() + ") is empty; the cluster has no ring yet"
            : "the owner of " + r.type() + "/" + r.id() + ", " + owner + ", is not among the members the client knows");
        ring.refresh().whenComplete((x, e) -> later(n));
        return;
      }
      if (!m.up()) {
        ring.refresh(); // still try it: it may be up by now, or answer 421 / 503
      }
      attempts.increment();
      Map<String, String> headers = new HashMap<>(4);
      headers.put(EPOCH_HEADER, Long.toString(s.epoch()));
      if (r.key() != null) {
        headers.put(KEY_HEADER, r.key());
      }
      Duration wait = Duration.ofNanos(Math.min(left, config.attemptTimeout().toNanos()));
      transport.send(m.url(), r.method(), r.path(), headers, r.body(), wait)
          .whenComplete((a, e) -> answered(n, m, a, e));
    }

    private void answered(int n, Snapshot.Member m, HttpAnswer a, Throwable e) {
      if (e != null) {
        boolean timedOut = e instanceof Transport.TransportException t && t.timedOut;
        last = new CallException(timedOut ? CallError.TIMEOUT : CallError.UNREACHABLE,
            timedOut ? CallError.TIMEOUT.status() : CallError.UNREACHABLE.status(),
            "node " + m.node() + " (" + m.url() + ") " + (timedOut ? "did not answer in time: " : "could not be reached: ")
                + e.getMessage(), null, null, e);
        ring.refresh();
        later(n);
        return;
      }
      if (a.ok()) {
        complete(a);
        return;
      }
      CallException err = Answers.error(a, m.node(), config.json());
      last = err;
      if (err.error() == CallError.WRONG_OWNER) {
        wrongOwner.increment();
        ring.refresh().whenComplete((s, x) -> {
          String now = ring.current().ring().owner(r.type(), r.id());
          if (now != null && !Objects.equals(now, m.node())) {
            now(n); // the new ring names another owner: go there at once
          } else {
            later(n); // our source lags too: give the ring a moment
          }
        });
        return;
      }
      if (!err.retryable()) {
        fail(err);
        return;
      }
      if (err.error() != CallError.MAILBOX_FULL && err.error() != CallError.WORKER_BACKOFF) {
        ring.refresh();
      }
      later(n);
    }

    private void now(int n) {
      if (n + 1 >= config.maxAttempts()) {
        fail(exhausted(n));
        return;
      }
      attempt(n + 1);
    }

    private void later(int n) {
      if (n + 1 >= config.maxAttempts()) {
        fail(exhausted(n));
        return;
      }
      Duration d = config.backoff().delay(n + 1, ThreadLocalRandom.current().nextDouble());
      if (System.nanoTime() + d.toNanos() >= deadline) {
        fail(outOfTime(n));
        return;
      }
      try {
        timer.schedule(() -> attempt(n + 1), d.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closed) {
        fail(new CallException(CallError.UNREACHABLE, "the client was closed"));
      }
    }

    private CallException exhausted(int n) {
      return last != null ? last : new CallException(CallError.UNREACHABLE, "no attempt left after " + (n + 1));
    }

    private CallException outOfTime(int n) {
      if (last != null) {
        return last;
      }
      return new CallException(CallError.TIMEOUT, "no answer within the call's timeout of " + timeout.toMillis()
          + " ms (" + (n + 1) + " attempts)");
    }

    private void complete(HttpAnswer a) {
      onCallbackThread(() -> {
        try {
          result.complete(config.json().readTree(a.body()));
        } catch (Exception e) {
          result.completeExceptionally(new CallException(CallError.INTERNAL, "the node's answer is not JSON: " + e));
        }
      });
    }

    private void fail(CallException e) {
      onCallbackThread(() -> result.completeExceptionally(e));
    }

    private void onCallbackThread(Runnable task) {
      try {
        callbacks.execute(task);
      } catch (RejectedExecutionException closed) {
        task.run();
      }
    }
  }
}
