package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.supervisor.internal.activation.CommitFence;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.worker.Committer;
import dev.ringleader.worker.Scheduler;
import dev.ringleader.worker.Snapshot;
import dev.ringleader.worker.Worker;
import dev.ringleader.worker.WorkerKey;
import dev.ringleader.worker.WorkerRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The leave's commit fence without a cluster: what is acknowledged before, during and after it closes. */
class CommitFenceTest {
  /** A real worker, for its key: the fence guards commits of workers. */
  private final Worker<?> worker = new WorkerRuntime("node1", Runnable::run,
      Scheduler.system(java.util.concurrent.Executors.newSingleThreadScheduledExecutor()), Committer.local(),
      (w, reason, last) -> { }, Json.MAPPER).activate(new CounterType(), "a", null);
  private final WorkerKey key = worker.key();
  private final List<String> dropped = new CopyOnWriteArrayList<>();
  private final CommitFence fence = new CommitFence((k, v) -> dropped.add(k + " v" + v));
  private final AtomicInteger started = new AtomicInteger();

  private Committer pending(CompletableFuture<Void> result) {
    return fence.guard((w, next, applied) -> {
      started.incrementAndGet();
      return result;
    });
  }

  private static Snapshot<String> v(long version) {
    return new Snapshot<>(version, "s", java.util.Map.of());
  }

  @Test
  void aCommitHeldDuringTheDrainIsAcknowledged() {
    CompletableFuture<Void> copy = new CompletableFuture<>();
    CompletableFuture<Void> acked = pending(copy).commit(worker, v(1), null).toCompletableFuture();
    CompletableFuture.runAsync(() -> copy.complete(null));
    assertEquals(List.of(), fence.closeAndDrain(Duration.ofSeconds(5)));
    assertTrue(acked.isDone() && !acked.isCompletedExceptionally());
    assertEquals(List.of(), dropped);
  }

  @Test
  void aCommitStillInFlightWhenTheFenceSealsIsCutOffEvenIfItsCopyLandsLater() {
    CompletableFuture<Void> copy = new CompletableFuture<>();
    CompletableFuture<Void> acked = pending(copy).commit(worker, v(2), null).toCompletableFuture();
    assertEquals(List.of("counter/a v2"), fence.closeAndDrain(Duration.ofMillis(50)));
    assertTrue(acked.isCompletedExceptionally(), "cut off at the seal, not when the copy ends");
    copy.complete(null); // the late success changes nothing
    assertTrue(acked.isCompletedExceptionally());
    assertTrue(dropped.contains("counter/a v2"), "dropped from the store: the leave does not hand it over");
  }

  @Test
  void noCommitStartsOnceTheFenceCloses() {
    fence.closeAndDrain(Duration.ofMillis(1));
    CompletableFuture<Void> refused = pending(CompletableFuture.completedFuture(null)).commit(worker, v(3), null)
        .toCompletableFuture();
    assertTrue(refused.isCompletedExceptionally());
    assertEquals(0, started.get(), "the commit (its store offer and copies) never ran");
    assertFalse(fence.open());
  }

  @Test
  void aCommitThatFailsWhileTheFenceClosesIsDroppedFromTheStore() throws Exception {
    CompletableFuture<Void> copy = new CompletableFuture<>();
    CompletableFuture<Void> acked = pending(copy).commit(worker, v(4), null).toCompletableFuture();
    CompletableFuture<List<String>> drain = CompletableFuture.supplyAsync(
        () -> fence.closeAndDrain(Duration.ofSeconds(5)), r -> new Thread(r, "test-leave").start());
    Await.until("the fence is closing", Duration.ofSeconds(5), () -> fence.state() != CommitFence.State.OPEN);
    copy.completeExceptionally(new IllegalStateException("backup unreachable"));
    assertEquals(List.of(), drain.get(5, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(acked.isCompletedExceptionally());
    assertEquals(List.of("counter/a v4"), dropped);
  }
}
