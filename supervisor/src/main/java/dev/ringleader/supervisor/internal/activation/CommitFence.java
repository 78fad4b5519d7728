package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.internal.failure.RingleaderException;
import dev.ringleader.worker.Committer;
import dev.ringleader.worker.WorkerKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * The fence between this node's commits and the end of its ZooKeeper session (docs/handoff.md,
 * scenario 2). Once the session ends, every global name of the node is gone and another node may
 * activate the same IDs; a commit must not be acknowledged after that, nor its copy land late.
 *
 * <p>OPEN: commits run. CLOSING ({@link #closeAndDrain}, the session is about to end): no commit
 * starts and no copy is retried ({@link #open()} is false; {@link dev.ringleader.supervisor.internal.replication.Replication Replication} checks it), while the
 * commits in flight may still be held by their backups and acknowledged. SEALED (after the drain,
 * just before the session ends): every commit still in flight is cut off: it completes as not
 * acknowledged at once, whatever its copies do later. A commit that ends unacknowledged once the
 * fence is closing has its version dropped from this node's store ({@code dropped}), so that the
 * leave's re-replication does not hand over a change no client was told about.
 *
 * <p>Why copies sent before CLOSING cannot land after the session: a commit completes only when each
 * of its copies was answered or timed out, and a copy carries the deadline of its timeout (the
 * receiver drops it when delivered later), so once the drain saw every commit complete, no copy of
 * theirs can still be applied. The drain is bounded; commits it cuts off are reported.
 *
 * <p>Thread-safe; no lock: a state reference and a concurrent set of commits in flight.
 */
public final class CommitFence {
  public enum State { OPEN, CLOSING, SEALED }

  private record InFlight(WorkerKey key, long version, CompletableFuture<Void> out) {}

  private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
  private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
  /** Called with the key and version of a commit that ended unacknowledged while the fence is closed. */
  private final BiConsumer<WorkerKey, Long> dropped;

  public CommitFence(BiConsumer<WorkerKey, Long> dropped) {
    this.dropped = dropped;
  }

  /** True while commits may start and copies may be retried. */
  public boolean open() {
    return state.get() == State.OPEN;
  }

  public State state() {
    return state.get();
  }

  /** {@code inner} behind this fence. */
  public Committer guard(Committer inner) {
    return (worker, next, applied) -> {
      WorkerKey key = worker.key();
      if (!open()) {
        return CompletableFuture.failedFuture(refused(key, next.version()));
      }
      InFlight f = new InFlight(key, next.version(), new CompletableFuture<>());
      inFlight.add(f);
      if (!open()) { // the fence closed between the check and the add: the drain may not have seen it
        inFlight.remove(f);
        f.out.completeExceptionally(refused(key, next.version()));
        return f.out;
      }
      CompletionStage<Void> stage;
      try {
        stage = inner.commit(worker, next, applied);
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      stage.whenComplete((v, e) -> {
        inFlight.remove(f);
        if (e == null && state.get() != State.SEALED) {
          f.out.complete(null);
          return;
        }
        if (state.get() != State.OPEN) {
          dropped.accept(key, next.version());
        }
        f.out.completeExceptionally(e != null ? e : cutOff(key, next.version()));
      });
      return f.out;
    };
  }

  /**
   * Closes the fence, waits up to {@code bound} for the commits in flight, then seals it: those still
   * in flight are cut off (not acknowledged). Returns the cut-off commits as {@code type/id vN}.
   * Idempotent; blocking (the leave's thread).
   */
  public List<String> closeAndDrain(Duration bound) {
    state.compareAndSet(State.OPEN, State.CLOSING);
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    inFlight.forEach(f -> waiting.add(f.out));
    try {
      CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new))
          .get(Math.max(1, bound.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // timed out: cut off below (a failed commit is not an error of the drain)
    }
    state.set(State.SEALED);
    List<String> cut = new ArrayList<>();
    for (InFlight f : inFlight) {
      inFlight.remove(f);
      if (f.out.completeExceptionally(cutOff(f.key, f.version))) {
        dropped.accept(f.key, f.version);
        cut.add(f.key + " v" + f.version);
      }
    }
    return cut;
  }

  private static RingleaderException refused(WorkerKey key, long version) {
    return new RingleaderException(CallError.NOT_ACKNOWLEDGED, "the change to " + key + " (version " + version
        + ") is not acknowledged: this node is leaving and its session is about to end, so it is not "
        + "copied; retry (another node takes " + key + " over)", Duration.ofSeconds(1), null);
  }

  private static RingleaderException cutOff(WorkerKey key, long version) {
    return new RingleaderException(CallError.NOT_ACKNOWLEDGED, "the change to " + key + " (version " + version
        + ") was not held by its backups before this node's session ended (it left); it is not acknowledged; "
        + "retry with the same Idempotency-Key", Duration.ofSeconds(1), null);
  }
}
