package dev.ringleader.worker;

import static dev.ringleader.worker.TestTypes.MAPPER;
import static dev.ringleader.worker.TestTypes.add;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A reply that changed the state waits for its commit; a failed commit is not acknowledged. */
class WorkerCommitTest {
  /** Remembers each commit and leaves it open until the test completes it. */
  private static final class HeldCommitter implements Committer {
    record Pending(Snapshot<?> snapshot, LoggedMessage applied, CompletableFuture<Void> done) {}

    final List<Pending> pending = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Void> commit(Worker<?> worker, Snapshot<?> next, LoggedMessage applied) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      pending.add(new Pending(next, applied, done));
      return done;
    }
  }

  private final ManualScheduler scheduler = new ManualScheduler();
  private final HeldCommitter committer = new HeldCommitter();
  // Runs the drain on the caller's thread, so that what has not run yet is certain.
  private final WorkerRuntime runtime =
      new WorkerRuntime(
          "node1", Runnable::run, scheduler, committer, new RecordingListener(), MAPPER);

  @Test
  void replyWaitsForTheCommitAndTheNextMessageWaitsToo() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    WorkerType<Long> counting =
        TestTypes.type(
            "counting",
            Long.class,
            0L,
            (state, message, context) -> {
              handled.incrementAndGet();
              return Step.of(state + message.path("add").asLong(), state + 1);
            });
    Worker<Long> worker = runtime.activate(counting, "a", null, TestTypes.limits(10));

    CompletableFuture<Object> first = worker.tell(add(5), null);
    CompletableFuture<Object> second = worker.tell(add(2), null);

    assertEquals(1, committer.pending.size());
    assertEquals(1L, committer.pending.get(0).snapshot().version());
    assertEquals(5L, committer.pending.get(0).snapshot().state());
    assertFalse(first.isDone(), "replied before the commit completed");
    assertEquals(0L, worker.snapshot().version(), "uncommitted state is visible");
    assertEquals(1, handled.get(), "the next message ran before the commit completed");
    assertEquals(1, worker.queued());

    committer.pending.get(0).done().complete(null);

    assertEquals(1L, Await.value(first));
    assertEquals(1L, worker.snapshot().version());
    assertEquals(2, handled.get());
    assertFalse(second.isDone());
    committer.pending.get(1).done().complete(null);
    assertEquals(6L, Await.value(second));
    assertEquals(new Snapshot<>(2, 7L, Map.of()), worker.snapshot());
  }

  @Test
  void failedCommitIsNotAcknowledgedAndRolledBackButItsVersionIsUsedUp() throws Exception {
    Worker<Long> worker = runtime.activate(TestTypes.counter(), "a", null, TestTypes.limits(10));

    CompletableFuture<Object> lost = worker.tell(add(5), "req-1");
    committer.pending.get(0).done().completeExceptionally(new UncheckedIOException("no replica",
        new java.io.IOException("connection refused")));

    WorkerFailure failure = Await.failure(lost);
    assertEquals(WorkerFailure.Kind.NOT_ACKNOWLEDGED, failure.kind());
    assertTrue(failure.getMessage().contains("same request key"), failure.getMessage());
    // The refused change is not in the state (nor its key), but its version number is used up.
    assertEquals(new Snapshot<>(1, 0L, Map.of()), worker.snapshot());

    CompletableFuture<Object> next = worker.tell(add(2), null);
    assertEquals(2L, committer.pending.get(1).snapshot().version(), "versions must stay monotonic");
    committer.pending.get(1).done().complete(null);
    assertEquals(Map.of("value", 2L), Await.value(next));
  }

  @Test
  void aRetryOfARefusedChangeIsAppliedOnceNotAnsweredFromMemory() throws Exception {
    Worker<Long> worker = runtime.activate(TestTypes.counter(), "a", null, TestTypes.limits(10));
    CompletableFuture<Object> refused = worker.tell(add(5), "req-1");
    committer.pending.get(0).done().completeExceptionally(new IllegalStateException("backup unreachable"));
    Await.failure(refused);

    CompletableFuture<Object> retry = worker.tell(add(5), "req-1");
    assertEquals(2, committer.pending.size(), "the retry runs the handler again and commits a new change");
    assertEquals(new LoggedMessage("req-1", add(5)), committer.pending.get(1).applied());
    committer.pending.get(1).done().complete(null);

    assertEquals(Map.of("value", 5L), Await.value(retry));
    assertEquals(5L, worker.snapshot().state());
    assertEquals(2L, worker.snapshot().version());
  }

  @Test
  void theCommitterSeesTheMessageOfANewChangeButNotOfARecommit() throws Exception {
    Worker<Long> worker = runtime.activate(TestTypes.counter(), "a", null, TestTypes.limits(10));
    CompletableFuture<Object> first = worker.tell(add(3), "k");
    committer.pending.get(0).done().complete(null);
    Await.value(first);

    CompletableFuture<Object> retry = worker.tell(add(3), "k");
    assertEquals(2, committer.pending.size());
    assertEquals(new LoggedMessage("k", add(3)), committer.pending.get(0).applied());
    assertEquals(null, committer.pending.get(1).applied(), "a retry answered from memory applies nothing");
    assertEquals(worker.snapshot(), committer.pending.get(1).snapshot());
    committer.pending.get(1).done().complete(null);
    assertEquals(Map.of("value", 3L), MAPPER.convertValue(Await.value(retry), Map.class));
  }

  @Test
  void committerThatThrowsIsNotAcknowledged() throws Exception {
    WorkerRuntime throwing =
        new WorkerRuntime(
            "node1",
            Runnable::run,
            scheduler,
            (worker, next, applied) -> {
              throw new IllegalStateException("replication is down");
            },
            new RecordingListener(),
            MAPPER);
    Worker<Long> worker = throwing.activate(TestTypes.counter(), "a", null, TestTypes.limits(10));

    assertEquals(WorkerFailure.Kind.NOT_ACKNOWLEDGED, Await.failure(worker.tell(add(1), null)).kind());
    assertEquals(1L, worker.snapshot().version());
    assertEquals(Worker.Status.RUNNING, worker.status());
  }

  @Test
  void unchangedStateWithoutRequestKeyIsNotCommitted() throws Exception {
    Worker<Long> worker = runtime.activate(TestTypes.counter(), "a", null, TestTypes.limits(10));

    assertEquals(Map.of("value", 0L), Await.value(worker.tell(add(0), null)));
    assertTrue(committer.pending.isEmpty());
    assertEquals(0L, worker.snapshot().version());

    CompletableFuture<Object> keyed = worker.tell(add(0), "k");
    assertEquals(1, committer.pending.size(), "a keyed reply must be committed to be remembered");
    committer.pending.get(0).done().complete(null);
    Await.value(keyed);
    JsonNode remembered = worker.snapshot().recentReplies().get("k");
    assertEquals(MAPPER.valueToTree(Map.of("value", 0L)), remembered);
  }

  @Test
  void restoredSnapshotContinuesItsVersions() throws Exception {
    Snapshot<Long> restored = new Snapshot<>(41, 100L, Map.of());
    Worker<Long> worker =
        runtime.activate(TestTypes.counter(), "a", restored, TestTypes.limits(10));
    assertEquals(restored, worker.snapshot());

    CompletableFuture<Object> reply = worker.tell(add(1), null);
    assertEquals(42L, committer.pending.get(0).snapshot().version());
    committer.pending.get(0).done().complete(null);
    assertEquals(Map.of("value", 101L), Await.value(reply));
  }
}
