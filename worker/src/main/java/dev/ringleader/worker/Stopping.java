package dev.ringleader.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one {@link Activation} stops: the stop request, made once, by the first {@link Worker#stop}
 * call or by a timer that stops it by itself (the idle check, which passivates it once it accepted
 * no message for its idle timeout, and the end of its maximum lifetime; a zero limit arms none),
 * and the handling of the stop marker the request queued behind every message accepted before it.
 *
 * <p>Threads: callers request the stop and record accepted messages from any thread; the
 * scheduler's thread runs the timers and re-arms {@link #idleTimer}; the drain handles the marker
 * and is the only writer of {@link #stopped}.
 */
final class Stopping<S> {
  /** The activation's logger: these lines read as the worker's own. */
  private static final Logger LOG = LoggerFactory.getLogger(Activation.class);

  private static final VarHandle REQUEST;

  static {
    try {
      REQUEST =
          MethodHandles.lookup()
              .findVarHandle(Stopping.class, "request", Envelope.Stop.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Activation<S> activation;
  private final Mailbox mailbox;
  private final Scheduler scheduler;
  private final WorkerListener listener;
  private final WorkerLimits limits;

  /** Set once, by the first {@link #request} call (CAS through {@link #REQUEST}). */
  private volatile Envelope.Stop<S> request;
  /** True once the stop marker was handled; written by the drain only. */
  private volatile boolean stopped;
  /** When the last message was accepted; any caller thread. */
  private volatile Instant lastActivity;
  /** The armed idle check; re-armed by the timer thread, cancelled by the drain on stop. */
  private volatile Scheduler.Cancellable idleTimer;
  private volatile Scheduler.Cancellable lifetimeTimer;

  Stopping(Activation<S> activation, Mailbox mailbox, WorkerRuntime runtime, WorkerLimits limits,
      Instant startedAt) {
    this.activation = activation;
    this.mailbox = mailbox;
    this.scheduler = runtime.scheduler;
    this.listener = runtime.listener;
    this.limits = limits;
    this.lastActivity = startedAt;
  }

  /** True once the stop was requested; any thread. */
  boolean requested() {
    return request != null;
  }

  /** True once the stop marker was handled; any thread. */
  boolean stopped() {
    return stopped;
  }

  /** Arms the timers the limits ask for; called once, when the activation starts. */
  void arm() {
    if (!limits.idleTimeout().isZero()) {
      idleTimer = scheduler.schedule(limits.idleTimeout(), this::checkIdle);
    }
    if (!limits.maxLifetime().isZero()) {
      lifetimeTimer =
          scheduler.schedule(limits.maxLifetime(), () -> activation.stop(StopReason.LIFETIME));
    }
  }

  /** A message was accepted at {@code now}: the idle timeout counts from here. Any thread. */
  void accepted(Instant now) {
    lastActivity = now;
  }

  /**
   * Requests the stop: the first call queues the stop marker; every call returns the first
   * request's future, completed with the last snapshot once the marker was handled. Any thread.
   */
  CompletableFuture<Snapshot<S>> request(StopReason reason) {
    Envelope.Stop<S> first = request;
    if (first == null) {
      Envelope.Stop<S> mine = new Envelope.Stop<>(reason, new CompletableFuture<>());
      if (REQUEST.compareAndSet(this, null, mine)) {
        LOG.debug("worker {} stopping ({})", activation.key(), reason);
        mailbox.add(mine);
      }
      first = request;
    }
    return first.done();
  }

  /** Handles the stop marker, {@code last} being the last committed snapshot. Drain only. */
  void finish(StopReason reason, Snapshot<S> last) {
    if (stopped) {
      return;
    }
    stopped = true;
    cancel(idleTimer);
    cancel(lifetimeTimer);
    LOG.debug("worker {} stopped ({}) at version {}", activation.key(), reason, last.version());
    try {
      listener.stopped(activation, reason, last);
    } catch (RuntimeException e) {
      LOG.error("listener failed for the stop of worker {}", activation.key(), e);
    }
    request.done().complete(last);
  }

  /** Stops the worker when idle; otherwise re-arms for the rest of the idle timeout. */
  private void checkIdle() {
    if (request != null) {
      return;
    }
    Duration timeout = limits.idleTimeout();
    Duration remaining =
        timeout.minus(Duration.between(lastActivity, scheduler.now()));
    if (remaining.isNegative() || remaining.isZero()) {
      if (mailbox.idle()) {
        LOG.debug("worker {} idle for {}; passivating", activation.key(), timeout);
        activation.stop(StopReason.IDLE);
        return;
      }
      remaining = timeout; // busy with a long message: look again one timeout later
    }
    Scheduler.Cancellable timer = scheduler.schedule(remaining, this::checkIdle);
    idleTimer = timer;
    if (request != null) {
      timer.cancel(); // stop raced with the re-arming
    }
  }

  private static void cancel(Scheduler.Cancellable timer) {
    if (timer != null) {
      timer.cancel();
    }
  }
}
