package dev.ringleader.worker;

import static dev.ringleader.worker.TestTypes.MAPPER;
import static dev.ringleader.worker.TestTypes.add;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bounded mailbox, idempotent retries, reads and merges. */
class WorkerMailboxTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final ManualExecutor executor = new ManualExecutor();
  private final AtomicInteger handled = new AtomicInteger();
  private final WorkerType<Long> counting =
      TestTypes.type(
          "counting",
          Long.class,
          0L,
          (state, message, context) -> {
            handled.incrementAndGet();
            long next = state + message.path("add").asLong();
            return Step.of(next, Map.of("value", next));
          });

  private WorkerRuntime runtime() {
    return new WorkerRuntime(
        "node1", executor, clock, Committer.local(), new RecordingListener(), MAPPER);
  }

  @Test
  void fullMailboxRejectsAtOnceWhileAHandlerIsBlocked() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WorkerType<Long> blocking =
        TestTypes.type(
            "blocking",
            Long.class,
            0L,
            (state, message, context) -> {
              entered.countDown();
              assertTrue(release.await(10, TimeUnit.SECONDS));
              return Step.of(state + 1, state + 1);
            });
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      WorkerRuntime runtime =
          new WorkerRuntime(
              "node1", pool, clock, Committer.local(), new RecordingListener(), MAPPER);
      Worker<Long> worker = runtime.activate(blocking, "a", null, TestTypes.limits(2));

      CompletableFuture<Object> running = worker.tell(add(1), null);
      assertTrue(entered.await(10, TimeUnit.SECONDS));
      CompletableFuture<Object> second = worker.tell(add(1), null);
      CompletableFuture<Object> third = worker.tell(add(1), null);
      assertEquals(2, worker.queued());

      CompletableFuture<Object> rejected = worker.tell(add(1), null);
      assertTrue(rejected.isCompletedExceptionally(), "a full mailbox must reject at once");
      assertEquals(WorkerFailure.Kind.MAILBOX_FULL, Await.failure(rejected).kind());
      assertEquals(2, worker.queued());

      release.countDown();
      assertEquals(List.of(1L, 2L, 3L),
          List.of(Await.value(running), Await.value(second), Await.value(third)));
      assertEquals(4L, Await.value(worker.tell(add(1), null)));
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void sameRequestKeyRunsTheHandlerOnceAndRepliesTheSame() throws Exception {
    Worker<Long> worker = runtime().activate(counting, "a", null, TestTypes.limits(10));

    // Two copies queued before the first is handled, and one after it committed.
    CompletableFuture<Object> first = worker.tell(add(5), "req-1");
    CompletableFuture<Object> duplicate = worker.tell(add(5), "req-1");
    executor.runAll();
    CompletableFuture<Object> retry = worker.tell(add(5), "req-1");
    executor.runAll();

    assertEquals(1, handled.get());
    assertEquals(5L, worker.snapshot().state());
    assertEquals(1L, worker.snapshot().version());
    var expected = MAPPER.valueToTree(Map.of("value", 5L));
    assertEquals(expected, MAPPER.valueToTree(Await.value(first)));
    assertEquals(expected, Await.value(duplicate));
    assertEquals(expected, Await.value(retry));
  }

  @Test
  void forgetsTheOldestRepliesBeyondTheLimit() throws Exception {
    Worker<Long> worker =
        runtime().activate(counting, "a", null, TestTypes.limits(10).withRecentRepliesKept(2));

    for (String key : List.of("a", "b", "c")) {
      worker.tell(add(1), key);
    }
    executor.runAll();
    assertEquals(List.of("b", "c"), List.copyOf(worker.snapshot().recentReplies().keySet()));

    CompletableFuture<Object> forgotten = worker.tell(add(1), "a");
    executor.runAll();
    assertEquals(Map.of("value", 4L), Await.value(forgotten));
    assertEquals(4, handled.get());
    assertEquals(List.of("c", "a"), List.copyOf(worker.snapshot().recentReplies().keySet()));
  }

  @Test
  void readAnswersInMailboxOrder() throws Exception {
    Worker<Long> worker = runtime().activate(counting, "a", null, TestTypes.limits(10));

    CompletableFuture<Object> before = worker.read();
    worker.tell(add(3), null);
    CompletableFuture<Object> after = worker.read();
    executor.runAll();

    assertEquals(0L, Await.value(before));
    assertEquals(3L, Await.value(after));
  }

  @Test
  void mergeInUsesTheTypesMergeAndCommits() throws Exception {
    AtomicInteger commits = new AtomicInteger();
    WorkerType<PNCounter> type =
        new MergeableCounter();
    WorkerRuntime runtime =
        new WorkerRuntime(
            "node1",
            executor,
            clock,
            (w, next, applied) -> {
              commits.incrementAndGet();
              return CompletableFuture.completedFuture(null);
            },
            new RecordingListener(),
            MAPPER);
    Worker<PNCounter> worker =
        runtime.activate(type, "a", Snapshot.initial(PNCounter.zero().add("node1", 3)),
            TestTypes.limits(10));

    CompletableFuture<Object> merged = worker.mergeIn(DuplicateLineage.of(new Snapshot<>(5,
        PNCounter.zero().add("node2", 4), java.util.Map.of("their-key", MAPPER.valueToTree(4))), "m1"));
    executor.runAll();

    assertEquals(6L, ((MergeReport) Await.value(merged)).version());
    assertEquals(MergeRule.MERGED, ((MergeReport) Await.value(merged)).rule());
    assertEquals(1, commits.get());
    // Above both lineages (this one was at 0, the other at 5), with both sides' remembered replies.
    assertEquals(6L, worker.snapshot().version());
    assertEquals(7L, worker.snapshot().state().value());
    assertEquals(java.util.Set.of("their-key", "m1"), worker.snapshot().recentReplies().keySet());
  }

  @Test
  void mergeInKeepsTheStateOfATypeThatIsNotMergeable() throws Exception {
    Worker<Long> worker = runtime().activate(counting, "a", null, TestTypes.limits(10));
    worker.tell(add(2), null);

    CompletableFuture<Object> merged = worker.mergeIn(DuplicateLineage.of(new Snapshot<>(3, 40L, null), "m1"));
    executor.runAll();

    assertEquals(MergeRule.KEPT_SURVIVOR, ((MergeReport) Await.value(merged)).rule());
    assertEquals(2L, worker.snapshot().state());
    assertEquals(4L, worker.snapshot().version());
  }

  @Test
  void mergeInTakesTheOtherStateOfATypeThatIsNotMergeableWhenThisOneNeverCommitted() throws Exception {
    Worker<Long> worker = runtime().activate(counting, "a", null, TestTypes.limits(10));

    CompletableFuture<Object> merged = worker.mergeIn(DuplicateLineage.of(new Snapshot<>(3, 40L, null), "m1"));
    executor.runAll();

    assertEquals(MergeRule.TOOK_OTHER, ((MergeReport) Await.value(merged)).rule());
    assertEquals(40L, worker.snapshot().state());
    assertEquals(4L, worker.snapshot().version());
  }

  @Test
  void aLineageDeliveredTwiceIsMergedOnce() throws Exception {
    Worker<Long> worker = runtime().activate(counting, "a", null, TestTypes.limits(10));
    DuplicateLineage<Long> lineage = new DuplicateLineage<>(Snapshot.initial(0L),
        java.util.List.of(new LoggedMessage(null, add(5))), 1, null, "merge/dup/1");

    CompletableFuture<Object> first = worker.mergeIn(lineage);
    executor.runAll();
    CompletableFuture<Object> again = worker.mergeIn(lineage);
    executor.runAll();

    assertEquals(1, ((MergeReport) Await.value(first)).replayed());
    assertTrue(((MergeReport) Await.value(again)).repeated());
    assertEquals(5L, worker.snapshot().state(), "the second delivery applied nothing");
  }

  /** A counter kept as a {@link PNCounter}, viewed as its value. */
  private static final class MergeableCounter implements WorkerType<PNCounter> {
    @Override
    public String name() {
      return "pn";
    }

    @Override
    public Class<PNCounter> stateClass() {
      return PNCounter.class;
    }

    @Override
    public PNCounter initialState(WorkerContext context) {
      return PNCounter.zero();
    }

    @Override
    public Step<PNCounter> handle(
        PNCounter state, com.fasterxml.jackson.databind.JsonNode message, WorkerContext context) {
      PNCounter next = state.add(context.node(), message.path("add").asLong());
      return Step.of(next, next.value());
    }

    @Override
    public Object view(PNCounter state, WorkerContext context) {
      return state.value();
    }

    @Override
    public boolean mergeable() {
      return true;
    }

    @Override
    public PNCounter merge(PNCounter survivor, PNCounter other) {
      return survivor.merge(other);
    }
  }
}
