package dev.ringleader.worker;

import static dev.ringleader.worker.TestTypes.MAPPER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Guarantee 2 on real threads: one message at a time per worker, different IDs in parallel. */
class WorkerConcurrencyTest {
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final ExecutorService senders = Executors.newFixedThreadPool(8);
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void shutDown() throws InterruptedException {
    for (ExecutorService pool : List.of(executor, senders, timers)) {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  private WorkerRuntime runtime(Committer committer) {
    return new WorkerRuntime(
        "node1",
        executor,
        Scheduler.system(timers),
        committer,
        new RecordingListener(),
        MAPPER);
  }

  /** Commits on another thread after a short delay, like a replication round trip. */
  private Committer slowCommitter(Runnable onCommit) {
    return (worker, next, applied) -> {
      onCommit.run();
      return CompletableFuture.runAsync(
          () -> {}, CompletableFuture.delayedExecutor(200, TimeUnit.MICROSECONDS, timers));
    };
  }

  @Test
  void handlesAThousandMessagesInMailboxOrder() throws Exception {
    // The handler expects {"seq": n} with n equal to its state: any reordering crashes it.
    WorkerType<Long> type =
        TestTypes.type(
            "ordered",
            Long.class,
            0L,
            (state, message, context) -> {
              long seq = message.path("seq").asLong();
              if (seq != state) {
                throw new IllegalStateException("expected " + state + ", got " + seq);
              }
              return Step.of(state + 1, seq);
            });
    Worker<Long> worker =
        runtime(slowCommitter(() -> {})).activate(type, "a", null, TestTypes.limits(1000));

    List<CompletableFuture<Object>> replies = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      replies.add(worker.tell(MAPPER.valueToTree(Map.of("seq", i)), null));
    }
    for (int i = 0; i < 1000; i++) {
      assertEquals((long) i, Await.value(replies.get(i)));
    }
    assertEquals(1000L, worker.snapshot().state());
    assertEquals(1000L, worker.snapshot().version());
    assertEquals(0, worker.restarts());
  }

  @Test
  void neverRunsTwoMessagesOfOneWorkerAtOnceNorDuringItsCommit() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger commitsInFlight = new AtomicInteger();
    AtomicInteger overlapsWithCommit = new AtomicInteger();
    WorkerType<Long> type =
        TestTypes.type(
            "exclusive",
            Long.class,
            0L,
            (state, message, context) -> {
              maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
              if (commitsInFlight.get() != 0) {
                overlapsWithCommit.incrementAndGet();
              }
              for (int i = 0; i < 1000; i++) {
                Thread.onSpinWait(); // stay inside long enough for an overlap to show
              }
              inside.decrementAndGet();
              return Step.of(state + 1, state + 1);
            });
    Committer committer =
        (worker, next, applied) -> {
          commitsInFlight.incrementAndGet();
          return CompletableFuture.runAsync(
              commitsInFlight::decrementAndGet,
              CompletableFuture.delayedExecutor(100, TimeUnit.MICROSECONDS, timers));
        };
    Worker<Long> worker = runtime(committer).activate(type, "a", null, TestTypes.limits(1000));

    int perSender = 50;
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<List<CompletableFuture<Object>>>> batches = new ArrayList<>();
    for (int s = 0; s < 8; s++) {
      batches.add(
          CompletableFuture.supplyAsync(
              () -> {
                awaitQuietly(start);
                List<CompletableFuture<Object>> mine = new ArrayList<>();
                for (int i = 0; i < perSender; i++) {
                  mine.add(worker.tell(TestTypes.add(1), null));
                }
                return mine;
              },
              senders));
    }
    start.countDown();
    for (var batch : batches) {
      for (var reply : Await.value(batch)) {
        Await.value(reply);
      }
    }
    assertEquals(1, maxInside.get(), "handlers of one worker overlapped");
    assertEquals(0, overlapsWithCommit.get(), "a handler ran while the previous commit was open");
    assertEquals(8L * perSender, worker.snapshot().version());
    assertEquals(8L * perSender, worker.snapshot().state());
  }

  @Test
  void differentIdsRunInParallel() throws Exception {
    // Both handlers must be inside at the same moment to pass the barrier.
    CyclicBarrier bothInside = new CyclicBarrier(2);
    WorkerType<Long> type =
        TestTypes.type(
            "parallel",
            Long.class,
            0L,
            (state, message, context) -> {
              bothInside.await(10, TimeUnit.SECONDS);
              return Step.of(state + 1, context.key().id());
            });
    WorkerRuntime runtime = runtime(Committer.local());
    Worker<Long> a = runtime.activate(type, "a", null, TestTypes.limits(10));
    Worker<Long> b = runtime.activate(type, "b", null, TestTypes.limits(10));
    JsonNode go = MAPPER.createObjectNode();

    CompletableFuture<Object> fromA = a.tell(go, null);
    CompletableFuture<Object> fromB = b.tell(go, null);

    assertEquals("a", Await.value(fromA));
    assertEquals("b", Await.value(fromB));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
