package dev.ringleader.worker;

import static dev.ringleader.worker.TestTypes.MAPPER;
import static dev.ringleader.worker.TestTypes.add;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** Idle passivation, maximum lifetime and stop, on a manual clock and a manual executor. */
class WorkerLifecycleTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final ManualExecutor executor = new ManualExecutor();
  private final RecordingListener listener = new RecordingListener();
  private final WorkerRuntime runtime =
      new WorkerRuntime("node1", executor, clock, Committer.local(), listener, MAPPER);

  private Worker<Long> counter(Duration idleTimeout, Duration maxLifetime) {
    return runtime.activate(
        TestTypes.counter(),
        "a",
        null,
        TestTypes.limits(100).withIdleTimeout(idleTimeout).withMaxLifetime(maxLifetime));
  }

  @Test
  void aHandlerThatPassivatesItsWorkerFinishesItsMessageAndTheQueuedOnesFirst() throws Exception {
    WorkerType<Long> selfStopping = TestTypes.type("self", Long.class, 0L, (state, message, context) -> {
      if (message.path("done").asBoolean()) {
        context.passivate();
      }
      return Step.of(state + 1, state + 1);
    });
    Worker<Long> worker = runtime.activate(selfStopping, "a", null, TestTypes.limits(100));

    java.util.concurrent.CompletableFuture<Object> asking = worker.tell(
        MAPPER.createObjectNode().put("done", true), null);
    java.util.concurrent.CompletableFuture<Object> queued = worker.tell(MAPPER.createObjectNode(), null);
    executor.runAll();

    assertEquals(1L, Await.value(asking));
    assertEquals(2L, Await.value(queued), "a message queued before the stop is still answered");
    assertEquals(Worker.Status.STOPPED, worker.status());
    assertEquals(StopReason.PASSIVATED, listener.calls.get(0).reason());
    assertEquals(2L, listener.calls.get(0).last().state());
    assertEquals(WorkerFailure.Kind.STOPPED, Await.failure(worker.tell(add(1), null)).kind());
  }

  @Test
  void aHandlerReachesOtherWorkersThroughTheRuntimesCalls() throws Exception {
    java.util.List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    WorkerRuntime calling = new WorkerRuntime("node1", executor, clock, Committer.local(), listener, MAPPER,
        (type, id, message, key) -> {
          sent.add(type + "/" + id + " " + message + " " + key);
          return java.util.concurrent.CompletableFuture.completedFuture(MAPPER.createObjectNode().put("ok", true));
        });
    WorkerType<Long> forwarding = TestTypes.type("fwd", Long.class, 0L, (state, message, context) -> {
      context.tell("counter", "b", java.util.Map.of("add", 1), "k1");
      return Step.of(state + 1, state + 1);
    });
    Worker<Long> worker = calling.activate(forwarding, "a", null, TestTypes.limits(100));
    java.util.concurrent.CompletableFuture<Object> reply = worker.tell(MAPPER.createObjectNode(), null);
    executor.runAll();

    assertEquals(1L, Await.value(reply));
    assertEquals(java.util.List.of("counter/b {\"add\":1} k1"), sent);
  }

  @Test
  void passivatesAfterTheIdleTimeoutWithoutMessages() throws Exception {
    Worker<Long> worker = counter(Duration.ofSeconds(10), Duration.ZERO);

    clock.advance(Duration.ofSeconds(9));
    assertEquals(Worker.Status.RUNNING, worker.status());
    clock.advance(Duration.ofSeconds(1));
    executor.runAll();

    assertEquals(Worker.Status.STOPPED, worker.status());
    assertEquals(1, listener.calls.size());
    assertEquals(StopReason.IDLE, listener.calls.get(0).reason());
    assertSame(worker, listener.calls.get(0).worker());
    assertEquals(WorkerFailure.Kind.STOPPED, Await.failure(worker.tell(add(1), null)).kind());
  }

  @Test
  void messagesKeepTheWorkerAliveWithoutATimerPerMessage() throws Exception {
    Worker<Long> worker = counter(Duration.ofSeconds(10), Duration.ZERO);

    for (int second = 0; second < 30; second++) {
      for (int i = 0; i < 10; i++) {
        worker.tell(add(1), null);
      }
      executor.runAll();
      clock.advance(Duration.ofSeconds(1));
      assertEquals(Worker.Status.RUNNING, worker.status(), "passivated while busy at " + second);
      assertEquals(1, clock.pending().size(), "one idle timer, not one per message");
    }
    assertEquals(300L, worker.snapshot().state());

    clock.advance(Duration.ofSeconds(8));
    assertEquals(Worker.Status.RUNNING, worker.status());
    clock.advance(Duration.ofSeconds(1)); // 10 s after the last message
    executor.runAll();
    assertEquals(Worker.Status.STOPPED, worker.status());
    assertEquals(List.of(StopReason.IDLE), reasons());
  }

  @Test
  void doesNotPassivateWhileMessagesWait() throws Exception {
    Worker<Long> worker = counter(Duration.ofSeconds(10), Duration.ZERO);
    CompletableFuture<Object> waiting = worker.tell(add(1), null);

    clock.advance(Duration.ofSeconds(15)); // the message is still queued: not idle
    assertEquals(Worker.Status.RUNNING, worker.status());
    executor.runAll();
    assertEquals(Map.of("value", 1L), Await.value(waiting));

    clock.advance(Duration.ofSeconds(10));
    executor.runAll();
    assertEquals(Worker.Status.STOPPED, worker.status());
    assertEquals(List.of(StopReason.IDLE), reasons());
  }

  @Test
  void stopsAtItsLifetimeAfterAnsweringWhatItAccepted() throws Exception {
    Worker<Long> worker = counter(Duration.ZERO, Duration.ofSeconds(5));
    assertEquals(Optional.of(worker.startedAt().plusSeconds(5)), worker.expiresAt());

    CompletableFuture<Object> one = worker.tell(add(1), null);
    CompletableFuture<Object> two = worker.tell(add(2), null);
    clock.advance(Duration.ofSeconds(5));
    assertEquals(Worker.Status.STOPPING, worker.status());
    assertEquals(WorkerFailure.Kind.STOPPED, Await.failure(worker.tell(add(4), null)).kind());
    assertTrue(listener.calls.isEmpty(), "stopped before answering accepted messages");

    executor.runAll();
    assertEquals(Map.of("value", 1L), Await.value(one));
    assertEquals(Map.of("value", 3L), Await.value(two));
    assertEquals(Worker.Status.STOPPED, worker.status());
    assertEquals(List.of(StopReason.LIFETIME), reasons());
    assertEquals(2L, listener.calls.get(0).last().version());
  }

  @Test
  void stopFinishesQueuedMessagesThenRejectsAndIsIdempotent() throws Exception {
    Worker<Long> worker = counter(Duration.ofSeconds(10), Duration.ofSeconds(60));
    List<CompletableFuture<Object>> accepted =
        List.of(worker.tell(add(1), null), worker.tell(add(1), null), worker.tell(add(1), null));

    CompletableFuture<Snapshot<Long>> stopped = worker.stop(StopReason.REQUESTED);
    CompletableFuture<Object> late = worker.tell(add(1), null);
    assertTrue(late.isCompletedExceptionally(), "a stopping worker must refuse at once");
    assertEquals(WorkerFailure.Kind.STOPPED, Await.failure(late).kind());
    assertFalse(stopped.isDone());
    assertSame(stopped, worker.stop(StopReason.SHUTDOWN));

    executor.runAll();
    for (CompletableFuture<Object> reply : accepted) {
      Await.value(reply);
    }
    assertEquals(new Snapshot<>(3, 3L, Map.of()), Await.value(stopped));
    assertEquals(Worker.Status.STOPPED, worker.status());
    assertEquals(List.of(StopReason.REQUESTED), reasons());
    assertEquals(List.of(), clock.pending(), "timers must be cancelled");
    assertEquals(WorkerFailure.Kind.STOPPED, Await.failure(worker.read()).kind());
  }

  @Test
  void listenerHearsOnceWhenIdleAndLifetimeEndTogether() throws Exception {
    Worker<Long> worker = counter(Duration.ofSeconds(5), Duration.ofSeconds(5));

    clock.advance(Duration.ofSeconds(5));
    executor.runAll();
    worker.stop(StopReason.SHUTDOWN);
    executor.runAll();

    assertEquals(1, listener.calls.size());
    assertEquals(Worker.Status.STOPPED, worker.status());
  }

  @Test
  void executorRefusalStopsTheWorkerWithoutRunningHandlers() throws Exception {
    RecordingListener heard = new RecordingListener();
    WorkerRuntime closed =
        new WorkerRuntime(
            "node1",
            task -> {
              throw new RejectedExecutionException("executor shut down");
            },
            clock,
            Committer.local(),
            heard,
            MAPPER);
    Worker<Long> worker = closed.activate(TestTypes.counter(), "a", null, TestTypes.limits(10));

    assertEquals(WorkerFailure.Kind.STOPPED, Await.failure(worker.tell(add(1), null)).kind());
    assertEquals(Worker.Status.STOPPED, worker.status());
    assertEquals(0L, worker.snapshot().state());
    assertEquals(1, heard.calls.size());
    assertEquals(StopReason.SHUTDOWN, heard.calls.get(0).reason());
  }

  @Test
  void handlersSeeTheirActivation() throws Exception {
    WorkerType<Long> introspective =
        TestTypes.type(
            "introspective",
            Long.class,
            0L,
            (state, message, context) ->
                Step.of(state, context.key() + "@" + context.node() + "#" + context.restarts()));
    Worker<Long> worker = runtime.activate(introspective, "x", null, TestTypes.limits(10));

    CompletableFuture<Object> reply = worker.tell(add(0), null);
    executor.runAll();

    assertEquals("introspective/x@node1#0", Await.value(reply));
  }

  private List<StopReason> reasons() {
    return listener.calls.stream().map(RecordingListener.Call::reason).toList();
  }
}
