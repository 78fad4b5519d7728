package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Worker} implementation: a mailbox drained by at most one task at a time on the
 * runtime's shared executor (the usual drain-loop actor), with no thread and no lock of its own.
 *
 * <p>Threads and fields:
 *
 * <ul>
 *   <li>Callers (any thread, often IO threads) add envelopes to {@link #mailbox}, count them in
 *       {@link #queued} and set {@link #draining} to schedule the drain. They never block.
 *   <li>The drain (one executor task at a time; {@link #draining} is true from its scheduling
 *       until it finds the mailbox empty, including while a commit is in flight) is the only
 *       writer of {@link #committed}, {@link #stopped} and the {@link #restarts} record (its crash
 *       count, crash times and back-off). Successive drain tasks are ordered by the executor
 *       hand-off and the {@link #draining} flag.
 *   <li>Timer tasks (the scheduler's thread) re-arm {@link #idleTimer} and call {@link #stop}.
 * </ul>
 *
 * <p>A message is finished only when its commit finished: the drain returns from its task while
 * the commit is in flight (keeping {@link #draining} set), and the commit's completion dispatches a
 * new task that records the result and continues the drain.
 */
final class Activation<S> implements Worker<S> {
  private static final Logger LOG = LoggerFactory.getLogger(Activation.class);

  /** Messages handled in one executor task before the drain yields its thread to other workers. */
  private static final int BATCH = 64;

  private static final VarHandle STOP_REQUEST;

  static {
    try {
      STOP_REQUEST =
          MethodHandles.lookup()
              .findVarHandle(Activation.class, "stopRequest", Envelope.Stop.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final WorkerRuntime runtime;
  private final WorkerType<S> type;
  private final WorkerKey key;
  private final WorkerLimits limits;
  private final Instant startedAt;
  private final String writer;
  /** Null when the activation has no maximum lifetime. */
  private final Instant expiresAt;

  private final WorkerContext context = new ActivationContext(this);
  private final Runnable drainTask = this::drain;

  /** Any thread adds; only the drain polls. */
  private final ConcurrentLinkedQueue<Envelope> mailbox = new ConcurrentLinkedQueue<>();
  /** Counted envelopes in the mailbox; never above the capacity for long (rejected at once). */
  private final AtomicInteger queued = new AtomicInteger();
  /** True while a drain is scheduled, running or waiting for a commit. */
  private final AtomicBoolean draining = new AtomicBoolean();

  /** The last committed snapshot; written by the drain only. */
  private volatile Snapshot<S> committed;
  /** Crashes, their recent times and the back-off; written by the drain only. */
  private final Restarts restarts;
  /** True once the stop marker was handled; written by the drain only. */
  private volatile boolean stopped;

  /** When the last message was accepted; any caller thread. */
  private volatile Instant lastActivity;
  /** Set once, by the first {@link #stop} call (CAS through {@link #STOP_REQUEST}). */
  private volatile Envelope.Stop<S> stopRequest;
  /** The armed idle check; re-armed by the timer thread, cancelled by the drain on stop. */
  private volatile Scheduler.Cancellable idleTimer;
  private volatile Scheduler.Cancellable lifetimeTimer;
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
    this.lastActivity = startedAt;
    this.restarts = new Restarts(key, limits);
  }

  /** Sets the first snapshot and arms the timers; called once, by the runtime, before publishing. */
  void start(Snapshot<S> restored) {
    committed = restored != null ? restored : Snapshot.initial(type.initialState(context));
    if (!limits.idleTimeout().isZero()) {
      idleTimer = runtime.scheduler.schedule(limits.idleTimeout(), this::checkIdle);
    }
    if (expiresAt != null) {
      lifetimeTimer =
          runtime.scheduler.schedule(limits.maxLifetime(), () -> stop(StopReason.LIFETIME));
    }
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
    if (stopped) {
      return Status.STOPPED;
    }
    if (stopRequest != null) {
      return Status.STOPPING;
    }
    return restarts.backoffRemaining(runtime.scheduler.now()) != null ? Status.BACKOFF : Status.RUNNING;
  }

  @Override
  public Snapshot<S> snapshot() {
    return committed;
  }

  @Override
  public int queued() {
    return queued.get();
  }

  // ---- senders: any thread, never block ----

  @Override
  public CompletableFuture<Object> tell(JsonNode message, String requestKey) {
    Objects.requireNonNull(message, "message");
    if (stopRequest != null) {
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
    if (stopRequest != null) {
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
    if (stopRequest != null) {
      return CompletableFuture.failedFuture(WorkerFailure.stopped(key, restarts.count()));
    }
    CompletableFuture<Object> reply = new CompletableFuture<>();
    return enqueue(new Envelope.Merge<>(other, reply), reply);
  }

  @Override
  public CompletableFuture<Snapshot<S>> stop(StopReason reason) {
    Objects.requireNonNull(reason, "reason");
    Envelope.Stop<S> request = stopRequest;
    if (request == null) {
      Envelope.Stop<S> mine = new Envelope.Stop<>(reason, new CompletableFuture<>());
      if (STOP_REQUEST.compareAndSet(this, null, mine)) {
        LOG.debug("worker {} stopping ({})", key, reason);
        mailbox.add(mine);
        schedule();
      }
      request = stopRequest;
    }
    return request.done();
  }

  private <T> CompletableFuture<T> enqueue(Envelope envelope, CompletableFuture<T> reply) {
    if (queued.incrementAndGet() > limits.mailboxCapacity()) {
      queued.decrementAndGet();
      return CompletableFuture.failedFuture(
          WorkerFailure.mailboxFull(key, restarts.count(), limits.mailboxCapacity()));
    }
    lastActivity = runtime.scheduler.now();
    mailbox.add(envelope);
    schedule();
    return reply;
  }

  private void schedule() {
    if (draining.compareAndSet(false, true)) {
      dispatch(drainTask);
    }
  }

  /** Runs a drain task on the executor; if it refuses, stops the worker without running handlers. */
  private void dispatch(Runnable task) {
    try {
      runtime.executor.execute(task);
    } catch (RejectedExecutionException e) {
      if (!executorRejected) {
        executorRejected = true;
        LOG.warn("executor refused worker {}; stopping it without handling its mailbox", key, e);
      }
      stop(StopReason.SHUTDOWN);
      task.run(); // with executorRejected set, this runs no handler: it only fails and stops
    }
  }

  // ---- the drain: one task at a time ----

  private void drain() {
    for (int handled = 0; handled < BATCH; handled++) {
      Envelope envelope = mailbox.poll();
      if (envelope == null) {
        draining.set(false);
        if (!mailbox.isEmpty()) {
          schedule(); // a sender added after the poll and saw draining still set
        }
        return;
      }
      if (envelope.counted()) {
        queued.decrementAndGet();
      }
      if (!process(envelope)) {
        return; // a commit is in flight; its completion continues the drain
      }
    }
    dispatch(drainTask); // yield the thread to other workers; draining stays set
  }

  /** Handles one envelope; false when it waits for a commit that will continue the drain. */
  @SuppressWarnings("unchecked")
  private boolean process(Envelope envelope) {
    if (envelope instanceof Envelope.Stop<?> stop) {
      finish(stop.reason());
      return true;
    }
    if (stopped || executorRejected) {
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
    Snapshot<S> current = committed;
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
      view = type.view(committed.state(), context);
    } catch (Throwable crash) {
      crashed(read.reply(), crash, now);
      return;
    }
    read.reply().complete(view);
  }

  private boolean handleMerge(Envelope.Merge<S> merge) {
    Snapshot<S> current = committed;
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

  /** Starts the commit of {@code next}; the drain continues from its completion. */
  private boolean commit(Snapshot<S> next, Object reply, CompletableFuture<Object> future, LoggedMessage applied) {
    CompletionStage<Void> stage;
    try {
      stage = runtime.committer.commit(this, next, applied);
      if (stage == null) {
        throw new IllegalStateException("Committer.commit returned null for " + key);
      }
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete(
        (ok, error) ->
            dispatch(
                () -> {
                  committed(next, reply, future, error);
                  drain();
                }));
    return false;
  }

  private void committed(
      Snapshot<S> next, Object reply, CompletableFuture<Object> future, Throwable error) {
    if (error == null) {
      committed = next;
      future.complete(reply);
      return;
    }
    // Not acknowledged: roll the change back, so it is in no state that serves on or is merged
    // later. The version is used up (a replica may hold it): the next change goes above it.
    Snapshot<S> before = committed;
    committed = new Snapshot<>(next.version(), before.state(), before.recentReplies());
    Throwable cause = error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
    LOG.warn("worker {}: commit of version {} failed; not acknowledged, rolled back", key, next.version(), cause);
    future.completeExceptionally(
        WorkerFailure.notAcknowledged(key, restarts.count(), next.version(), cause));
  }

  /** A handler threw: the state stays the last committed one; maybe start a back-off. */
  private void crashed(CompletableFuture<?> future, Throwable crash, Instant now) {
    if (crash instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    int count = restarts.crashed(crash, now, committed.version());
    future.completeExceptionally(WorkerFailure.crashed(key, count, crash));
  }

  /** Handles the stop marker: every message accepted before it has been answered. */
  private void finish(StopReason reason) {
    if (stopped) {
      return;
    }
    stopped = true;
    cancel(idleTimer);
    cancel(lifetimeTimer);
    Snapshot<S> last = committed;
    LOG.debug("worker {} stopped ({}) at version {}", key, reason, last.version());
    try {
      runtime.listener.stopped(this, reason, last);
    } catch (RuntimeException e) {
      LOG.error("listener failed for the stop of worker {}", key, e);
    }
    stopRequest.done().complete(last);
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

  // ---- timers: the scheduler's thread ----

  /** Stops the worker when idle; otherwise re-arms for the rest of the idle timeout. */
  private void checkIdle() {
    if (stopRequest != null) {
      return;
    }
    Duration timeout = limits.idleTimeout();
    Duration remaining =
        timeout.minus(Duration.between(lastActivity, runtime.scheduler.now()));
    if (remaining.isNegative() || remaining.isZero()) {
      if (queued.get() == 0 && !draining.get()) {
        LOG.debug("worker {} idle for {}; passivating", key, timeout);
        stop(StopReason.IDLE);
        return;
      }
      remaining = timeout; // busy with a long message: look again one timeout later
    }
    Scheduler.Cancellable timer = runtime.scheduler.schedule(remaining, this::checkIdle);
    idleTimer = timer;
    if (stopRequest != null) {
      timer.cancel(); // stop raced with the re-arming
    }
  }

  private static void cancel(Scheduler.Cancellable timer) {
    if (timer != null) {
      timer.cancel();
    }
  }

  @Override
  public String toString() {
    return "Worker[" + key + " on " + runtime.node + ", " + status() + "]";
  }
}
