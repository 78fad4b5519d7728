package dev.ringleader.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What every worker of one node shares: the node's name, the executor that runs every handler,
 * the scheduler for timers, the committer, the listener and the object mapper. It holds no worker
 * itself; the supervisor keeps track of the activations it makes. Thread-safe and immutable.
 *
 * <p>The executor must not run tasks on the caller's thread if callers are IO threads; it may
 * be any size: a worker never occupies a thread while it waits (for a message or a commit). If it
 * rejects a task the worker stops with {@link StopReason#SHUTDOWN}.
 */
public final class WorkerRuntime {
  final String node;
  final Executor executor;
  final Scheduler scheduler;
  final Committer committer;
  final WorkerListener listener;
  final ObjectMapper mapper;
  final WorkerCalls calls;

  public WorkerRuntime(
      String node,
      Executor executor,
      Scheduler scheduler,
      Committer committer,
      WorkerListener listener,
      ObjectMapper mapper) {
    this(node, executor, scheduler, committer, listener, mapper, WorkerCalls.none());
  }

  /** As the other constructor, with the way handlers reach other workers ({@link WorkerContext#tell}). */
  public WorkerRuntime(
      String node,
      Executor executor,
      Scheduler scheduler,
      Committer committer,
      WorkerListener listener,
      ObjectMapper mapper,
      WorkerCalls calls) {
    this.calls = Objects.requireNonNull(calls, "calls");
    this.node = Objects.requireNonNull(node, "node");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.committer = Objects.requireNonNull(committer, "committer");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /** The name of this node. */
  public String node() {
    return node;
  }

  /**
   * Starts an activation of {@code type}/{@code id} and its timers.
   *
   * @param restored the state to resume from (kept on passivation, replicated or handed over), or
   *     null for a fresh worker: version 0 and {@link WorkerType#initialState}
   * @param limits the activation's limits; {@link WorkerLimits#of} for the type's defaults
   * @throws RuntimeException whatever {@link WorkerType#initialState} throws
   */
  public <S> Worker<S> activate(
      WorkerType<S> type, String id, Snapshot<S> restored, WorkerLimits limits) {
    return activate(type, id, restored, limits, node);
  }

  /**
   * As {@link #activate(WorkerType, String, Snapshot, WorkerLimits)}, with the name its changes count
   * under in mergeable states ({@link WorkerContext#writer()}); the node's name by default.
   */
  public <S> Worker<S> activate(
      WorkerType<S> type, String id, Snapshot<S> restored, WorkerLimits limits, String writer) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(writer, "writer");
    Activation<S> activation =
        new Activation<>(this, type, new WorkerKey(type.name(), id), limits, scheduler.now(), writer);
    activation.start(restored);
    return activation;
  }

  /** {@link #activate(WorkerType, String, Snapshot, WorkerLimits)} with the type's defaults. */
  public <S> Worker<S> activate(WorkerType<S> type, String id, Snapshot<S> restored) {
    return activate(type, id, restored, WorkerLimits.of(type));
  }
}
