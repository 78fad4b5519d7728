package dev.ringleader.worker;

import static dev.ringleader.worker.TestTypes.MAPPER;
import static dev.ringleader.worker.TestTypes.add;
import static dev.ringleader.worker.TestTypes.crash;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Guarantee 3: a crash restarts the worker with its last committed state; too many back off. */
class WorkerRestartTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final ManualExecutor executor = new ManualExecutor();
  private final WorkerRuntime runtime =
      new WorkerRuntime(
          "node1", executor, clock, Committer.local(), new RecordingListener(), MAPPER);

  private Worker<Long> counter(RestartPolicy policy) {
    return runtime.activate(
        TestTypes.counter(),
        "a",
        null,
        TestTypes.limits(100).withRestartPolicy(policy));
  }

  @Test
  void crashFailsOnlyItsMessageAndTheNextSeesTheOldState() throws Exception {
    Worker<Long> worker = counter(RestartPolicy.DEFAULT);

    CompletableFuture<Object> five = worker.tell(add(5), null);
    CompletableFuture<Object> crashed = worker.tell(crash(), null);
    CompletableFuture<Object> two = worker.tell(add(2), null);
    executor.runAll();

    assertEquals(Map.of("value", 5L), Await.value(five));
    WorkerFailure failure = Await.failure(crashed);
    assertEquals(WorkerFailure.Kind.CRASHED, failure.kind());
    assertEquals(1, failure.restarts());
    assertTrue(failure.getMessage().contains("asked to crash"), failure.getMessage());
    assertInstanceOf(IllegalArgumentException.class, failure.getCause());
    assertEquals(Map.of("value", 7L), Await.value(two));
    assertEquals(1, worker.restarts());
    assertEquals(Worker.Status.RUNNING, worker.status());
    assertEquals(new Snapshot<>(2, 7L, Map.of()), worker.snapshot());
  }

  @Test
  void aRejectedMessageIsNotACrash() throws Exception {
    WorkerType<Long> strict = TestTypes.type("strict", Long.class, 0L, (s, m, c) -> {
      if (!m.has("add")) {
        throw new BadMessageException("needs add");
      }
      return Step.of(s + m.get("add").asLong(), s + m.get("add").asLong());
    });
    Worker<Long> worker = runtime.activate(strict, "a", null, TestTypes.limits(10));

    CompletableFuture<Object> one = worker.tell(add(1), null);
    CompletableFuture<Object> bad = worker.tell(MAPPER.readTree("{}"), null);
    CompletableFuture<Object> two = worker.tell(add(2), null);
    executor.runAll();

    assertEquals(1L, Await.value(one));
    assertInstanceOf(BadMessageException.class, bad.handle((v, e) -> e).get());
    assertEquals(3L, Await.value(two));
    assertEquals(0, worker.restarts());
  }

  @Test
  void handlerReturningNullCountsAsACrash() {
    WorkerType<Long> broken = TestTypes.type("broken", Long.class, 0L, (s, m, c) -> null);
    Worker<Long> worker = runtime.activate(broken, "a", null, TestTypes.limits(10));

    CompletableFuture<Object> reply = worker.tell(add(1), null);
    executor.runAll();

    WorkerFailure failure = Await.failure(reply);
    assertEquals(WorkerFailure.Kind.CRASHED, failure.kind());
    assertTrue(failure.getMessage().contains("returned null"), failure.getMessage());
  }

  @Test
  void tooManyCrashesBackOffThenServeAgain() throws Exception {
    Worker<Long> worker =
        counter(new RestartPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(5)));

    worker.tell(add(3), null);
    CompletableFuture<Object> first = worker.tell(crash(), null);
    CompletableFuture<Object> second = worker.tell(crash(), null);
    CompletableFuture<Object> queuedBehind = worker.tell(add(1), null);
    executor.runAll();

    assertEquals(1, Await.failure(first).restarts());
    assertEquals(WorkerFailure.Kind.CRASHED, Await.failure(second).kind());
    assertEquals(2, Await.failure(second).restarts());
    WorkerFailure queued = Await.failure(queuedBehind);
    assertEquals(WorkerFailure.Kind.BACKOFF, queued.kind());
    assertEquals(Duration.ofSeconds(5), queued.retryAfter());
    assertEquals(Worker.Status.BACKOFF, worker.status());

    clock.advance(Duration.ofSeconds(3));
    WorkerFailure refused = Await.failure(worker.tell(add(1), null));
    assertEquals(WorkerFailure.Kind.BACKOFF, refused.kind());
    assertEquals(Duration.ofSeconds(2), refused.retryAfter());
    assertEquals(WorkerFailure.Kind.BACKOFF, Await.failure(worker.read()).kind());

    clock.advance(Duration.ofSeconds(2));
    assertEquals(Worker.Status.RUNNING, worker.status());
    CompletableFuture<Object> served = worker.tell(add(1), null);
    executor.runAll();
    assertEquals(Map.of("value", 4L), Await.value(served));

    // The crash history starts afresh after a back-off: one crash is tolerated again.
    CompletableFuture<Object> third = worker.tell(crash(), null);
    executor.runAll();
    assertEquals(WorkerFailure.Kind.CRASHED, Await.failure(third).kind());
    assertEquals(Worker.Status.RUNNING, worker.status());
  }

  @Test
  void crashesOutsideTheWindowDoNotBackOff() {
    Worker<Long> worker =
        counter(new RestartPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(5)));

    CompletableFuture<Object> first = worker.tell(crash(), null);
    executor.runAll();
    clock.advance(Duration.ofSeconds(10));
    CompletableFuture<Object> second = worker.tell(crash(), null);
    executor.runAll();

    assertEquals(WorkerFailure.Kind.CRASHED, Await.failure(first).kind());
    assertEquals(WorkerFailure.Kind.CRASHED, Await.failure(second).kind());
    assertEquals(Worker.Status.RUNNING, worker.status());
    assertEquals(2, worker.restarts());
  }
}
