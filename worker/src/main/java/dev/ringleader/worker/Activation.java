package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Worker} implementation: a {@link Mailbox} drained by at most one task at a time on the
 * runtime's shared executor (the usual drain-loop actor), with no thread and no lock of its own.
 *
 * <p>Threads and fields:
 *
 * <ul>
 *   <li>Callers (any thread, often IO threads) add envelopes to the {@link #mailbox}, which
 *       schedules the drain. They never block.
 *   <li>The drain (one executor task at a time, see {@link Mailbox}) is the only writer of the
 *       {@link #commits} (the last committed snapshot), the {@link #restarts} record (its crash
 *       count, crash times and back-off) and of the stopped flag in {@link #stopping}.
 *   <li>Timer tasks (the scheduler's thread: the idle check and the end of the lifetime, both in
 *       {@link #stopping}) call {@link #stop}.
 * </ul>
 *
 * <p>A message is finished only when its commit finished: the drain returns from its task while
 * the commit is in flight (the mailbox stays draining), and the commit's completion dispatches a
 * new task that records the result and continues the drain.
 */
final class Activation<S> implements Worker<S> {
  private static final Logger LOG = LoggerFactory.getLogger(Activation.class);

  private final WorkerRuntime runtime;
  private final WorkerType<S> type;
  private final WorkerKey key;
  private final WorkerLimits limits;
  private final Instant startedAt;
  private final String writer;
  /** Null when the activation has no maximum lifetime. */
  private final Instant expiresAt;

  private final WorkerContext context = new ActivationContext(this);
  /** Any thread adds; only the drain takes out. */
  private final Mailbox mailbox;

  /** The last committed snapshot and its commits; written by the drain only. */
  private final Commits<S> commits;
  /** Crashes, their recent times and the back-off; written by the drain only. */
  private final Restarts restarts;
  /** The stop request, the timers that make it by themselves, and the stop marker's handling. */
  private final Stopping<S> stopping;
  /** Set when the executor refused a task: the worker then only finishes its stop. */
  private volatile boolean executorRejected;

  Activation(
      WorkerRuntime runtime,
      WorkerType<S> type,
      WorkerKey key,
      WorkerLimits limits,
      Instant startedAt,
      String writer) {
    this.writer = writer;
    this.runtime = runtime;
    this.type = type;
    this.key = key;
    this.limits = limits;
    this.startedAt = startedAt;
    this.expiresAt = limits.maxLifetime().isZero() ? null : startedAt.plus(limits.maxLifetime());
    this.restarts = new Restarts(key, limits);
    this.mailbox =
        new Mailbox(runtime.executor, limits.mailboxCapacity(), this::process, this::refused);
    this.commits = new Commits<>(this, runtime.committer);
    this.stopping = new Stopping<>(this, mailbox, runtime, limits, startedAt);
  }

  /** Sets the first snapshot and arms the timers; called once, by the runtime, before publishing. */
  void start(Snapshot<S> restored) {
    commits.first(restored != null ? restored : Snapshot.initial(type.initialState(context)));
    stopping.arm();
  }

  // ---- accessors: any thread ----

  @Override
  public WorkerKey key() {
    return key;
  }

  @Override
  public WorkerType<S> type() {
    return type;
  }

  @Override
  public WorkerLimits limits() {
    return limits;
  }

  String node() {
    return runtime.node;
  }

  String writer() {
    return writer;
  }

  WorkerRuntime runtime() {
    return runtime;
  }

  @Override
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  @Override
  public int restarts() {
    return restarts.count();
  }

  @Override
  public Status status() {
    if (stopping.stopped()) {
      return Status.STOPPED;
    }
    if (stopping.requested()) {
      return Status.STOPPING;
    }
    return restarts.backoffRemaining(runtime.scheduler.now()) != null ? Status.BACKOFF : Status.RUNNING;
  }

  @Override
  public Snapshot<S> snapshot() {
    return commits.last();
  }

  @Override
  public int queued() {
    return mailbox.queued();
  }

  // ---- senders: any thread, never block ----

  @Override
  public CompletableFuture<Object> tell(JsonNode message, String requestKey) {
    Objects.requireNonNull(message, "message");
    if (stopping.requested()) {
      return CompletableFuture.failedFuture(WorkerFailure.stopped(key, restarts.count()));
    }
    Duration wait = restarts.backoffRemaining(runtime.scheduler.now());
    if (wait != null) {
      return CompletableFuture.failedFuture(WorkerFailure.backoff(key, restarts.count(), wait));
    }
    CompletableFuture<Object> reply = new CompletableFuture<>();
    return enqueue(new Envelope.Tell(message, requestKey, reply), reply);
  }

  @Override
  public CompletableFuture<Object> read() {
    if (stopping.requested()) {
      return CompletableFuture.failedFuture(WorkerFailure.stopped(key, restarts.count()));
    }
    Duration wait = restarts.backoffRemaining(runtime.scheduler.now());
    if (wait != null) {
      return CompletableFuture.failedFuture(WorkerFailure.backoff(key, restarts.count(), wait));
    }
    CompletableFuture<Object> reply = new CompletableFuture<>();
    return enqueue(new Envelope.Read(reply), reply);
  }

  @Override
  public CompletableFuture<Object> mergeIn(DuplicateLineage<S> other) {
    Objects.requireNonNull(other, "other");
    if (stopping.requested()) {
      return CompletableFuture.failedFuture(WorkerFailure.stopped(key, restarts.count()));
    }
    CompletableFuture<Object> reply = new CompletableFuture<>();
    return enqueue(new Envelope.Merge<>(other, reply), reply);
  }

  @Override
  public CompletableFuture<Snapshot<S>> stop(StopReason reason) {
    Objects.requireNonNull(reason, "reason");
    return stopping.request(reason);
  }

  private <T> CompletableFuture<T> enqueue(Envelope envelope, CompletableFuture<T> reply) {
    if (!mailbox.reserve()) {
      return CompletableFuture.failedFuture(
          WorkerFailure.mailboxFull(key, restarts.count(), limits.mailboxCapacity()));
    }
    stopping.accepted(runtime.scheduler.now());
    mailbox.add(envelope);
    return reply;
  }

  /** The executor refused a drain task: stops the worker; its handlers run no more. */
  private void refused(RejectedExecutionException e) {
    if (!executorRejected) {
      executorRejected = true;
      LOG.warn("executor refused worker {}; stopping it without handling its mailbox", key, e);
    }
    stop(StopReason.SHUTDOWN);
  }

  // ---- the drain: one task at a time ----

  /** Handles one envelope; false when it waits for a commit that will continue the drain. */
  @SuppressWarnings("unchecked")
  private boolean process(Envelope envelope) {
    if (envelope instanceof Envelope.Stop<?> stop) {
      stopping.finish(stop.reason(), commits.last());
      return true;
    }
    if (stopping.stopped() || executorRejected) {
      fail(envelope, WorkerFailure.stopped(key, restarts.count()));
      return true;
    }
    if (envelope instanceof Envelope.Merge<?> merge) {
      return handleMerge((Envelope.Merge<S>) merge);
    }
    Instant now = runtime.scheduler.now();
    Duration wait = restarts.backoffRemaining(now);
    if (wait != null) {
      fail(envelope, WorkerFailure.backoff(key, restarts.count(), wait));
      return true;
    }
    restarts.serving();
    if (envelope instanceof Envelope.Tell tell) {
      return handleTell(tell, now);
    }
    handleRead((Envelope.Read) envelope, now);
    return true;
  }

  private boolean handleTell(Envelope.Tell tell, Instant now) {
    Snapshot<S> current = commits.last();
    String requestKey = tell.requestKey();
    if (requestKey != null) {
      JsonNode remembered = current.recentReplies().get(requestKey);
      if (remembered != null) {
        // A retry of an update already applied. Its first commit may have failed to reach the
        // backups (the caller then saw "not acknowledged"), so commit the current snapshot again
        // (same version, nothing changes) and answer only once it is held.
        return commit(current, remembered, tell.reply(), null);
      }
    }
    Step<S> step;
    JsonNode storedReply = null;
    try {
      step = type.handle(current.state(), tell.message(), context);
      if (step == null) {
        throw new IllegalStateException(type.name() + ".handle returned null instead of a Step");
      }
      if (requestKey != null) {
        storedReply =
            step.reply() == null ? NullNode.getInstance() : runtime.mapper.valueToTree(step.reply());
      }
    } catch (BadMessageException rejected) {
      tell.reply().completeExceptionally(rejected); // a client error, not a crash: no restart
      return true;
    } catch (Throwable crash) {
      crashed(tell.reply(), crash, now);
      return true;
    }
    if (requestKey == null && Objects.equals(step.state(), current.state())) {
      tell.reply().complete(step.reply());
      return true;
    }
    Snapshot<S> next =
        current.next(step.state(), requestKey, storedReply, limits.recentRepliesKept());
    return commit(next, step.reply(), tell.reply(), new LoggedMessage(requestKey, tell.message()));
  }

  private void handleRead(Envelope.Read read, Instant now) {
    Object view;
    try {
      view = type.view(commits.last().state(), context);
    } catch (Throwable crash) {
      crashed(read.reply(), crash, now);
      return;
    }
    read.reply().complete(view);
  }

  private boolean handleMerge(Envelope.Merge<S> merge) {
    Snapshot<S> current = commits.last();
    DuplicateLineage<S> other = merge.other();
    if (current.recentReplies().containsKey(other.mergeKey())) {
      // Merged before (the resolver's first delivery lost its answer): commit again, apply nothing.
      MergeReport again = new MergeReport(current.version(), MergeRule.of(type, current.version(),
          other.base().version()), 0, other.messages().size(), 0, true);
      return commit(current, again, merge.reply(), null);
    }
    LineageMerge.Result<S> merged;
    try {
      merged = LineageMerge.apply(type, context, runtime.mapper, current, other, limits.recentRepliesKept());
      LOG.info("worker {}: merged a duplicate activation (version {}, {} change(s) of its own) into version {}: {}",
          key, other.lastVersion(), other.messages().size(), current.version(), merged.report().describe(type));
    } catch (Throwable crash) {
      crashed(merge.reply(), crash, runtime.scheduler.now());
      return true;
    }
    return commit(merged.next(), merged.report(), merge.reply(), null);
  }

  /**
   * Starts the commit of {@code next}; its completion, on a new drain task, records the outcome
   * (held, or rolled back) and continues the drain.
   */
  private boolean commit(Snapshot<S> next, Object reply, CompletableFuture<Object> future, LoggedMessage applied) {
    commits.begin(next, applied).whenComplete(
        (ok, error) ->
            mailbox.dispatch(
                () -> {
                  commits.finish(next, reply, future, error);
                  mailbox.drain();
                }));
    return false;
  }

  /** A handler threw: the state stays the last committed one; maybe start a back-off. */
  private void crashed(CompletableFuture<?> future, Throwable crash, Instant now) {
    if (crash instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    int count = restarts.crashed(crash, now, commits.last().version());
    future.completeExceptionally(WorkerFailure.crashed(key, count, crash));
  }

  private static void fail(Envelope envelope, WorkerFailure failure) {
    if (envelope instanceof Envelope.Tell tell) {
      tell.reply().completeExceptionally(failure);
    } else if (envelope instanceof Envelope.Read read) {
      read.reply().completeExceptionally(failure);
    } else if (envelope instanceof Envelope.Merge<?> merge) {
      merge.reply().completeExceptionally(failure);
    }
  }

  @Override
  public String toString() {
    return "Worker[" + key + " on " + runtime.node + ", " + status() + "]";
  }
}
