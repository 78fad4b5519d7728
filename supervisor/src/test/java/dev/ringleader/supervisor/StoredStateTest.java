package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.replication.StateStore;
import dev.ringleader.supervisor.internal.replication.StoredState;
import dev.ringleader.worker.WorkerKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one order of copies every node computes alike: (version, epoch, owner, incarnation). */
class StoredStateTest {
  private static StoredState copy(long version, long epoch, String owner, long incarnation) {
    return new StoredState(version, Json.object(), Map.of(), owner, epoch, incarnation);
  }

  @Test
  void copiesOfTheSameVersionAreOrderedByEpochThenOwnerThenIncarnationWhateverTheArrivalOrder() {
    StoredState stale = copy(6, 4, "node3", 9);
    StoredState live = copy(6, 5, "node1", 1);
    for (List<StoredState> order : List.of(List.of(stale, live), List.of(live, stale))) {
      StateStore store = new StateStore();
      WorkerKey k = new WorkerKey("counter", "k");
      order.forEach(s -> store.offer(k, s));
      assertEquals(live, store.get(k), "the newer ring's copy wins, arriving " + order);
    }
    assertTrue(copy(6, 5, "node2", 1).newerThan(copy(6, 5, "node1", 9)));
    assertTrue(copy(6, 5, "node1", 2).newerThan(copy(6, 5, "node1", 1)));
    assertTrue(copy(7, 0, null, 0).newerThan(copy(6, 9, "node9", 9)));
    assertFalse(copy(6, 5, "node1", 1).newerThan(copy(6, 5, "node1", 1)), "the same copy is not newer");
    assertTrue(copy(6, 5, "node1", 1).newerThan(copy(6, 5, null, 1)), "a copy naming no owner loses a tie");
  }

  @Test
  void aCopyWithoutEpochOrIncarnationReadsThemAsZero() throws Exception {
    StoredState s = StoredState.read(
        "{\"version\":3,\"state\":{},\"recentReplies\":{},\"owner\":\"node1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(0, s.epoch());
    assertEquals(0, s.incarnation());
    assertEquals("node1", s.owner());
  }

  @Test
  void anOwnCommitIsShownToOtherNodesOnlyOnceHeldAndARefusedOneGoesBack() {
    StateStore store = new StateStore();
    WorkerKey k = new WorkerKey("counter", "k");
    StoredState v1 = copy(1, 5, "node1", 1);
    StoredState v2 = copy(2, 5, "node1", 1);
    StoredState v3 = copy(3, 5, "node1", 1);
    store.offerOwn(k, v1);
    assertEquals(null, store.held(k), "nothing held before the first commit is");
    assertEquals(v1, store.get(k), "a local restart starts from it");
    store.commitHeld(k, v1);
    assertEquals(v1, store.held(k));
    store.offerOwn(k, v2);
    assertEquals(v1, store.held(k), "v2 is being copied");
    store.commitRefused(k, v2);
    assertEquals(v1, store.get(k), "refused: rolled back");
    assertEquals(v1, store.held(k));
    store.offerOwn(k, v3);
    StoredState other = copy(3, 6, "node2", 7);
    store.offer(k, other); // another owner's copy, newer, arrives while v3 is copied
    assertEquals(other, store.held(k), "a copy that replaced the pending one is shown");
    store.commitRefused(k, v3);
    assertEquals(other, store.get(k), "a refusal does not undo another owner's copy");
  }

  /** A reader racing commits that are refused never sees one (the mark and the copy change together). */
  @Test
  void aReaderRacingRefusedCommitsNeverSeesOne() throws Exception {
    StateStore store = new StateStore();
    WorkerKey k = new WorkerKey("counter", "race");
    StoredState v5 = copy(5, 5, "node1", 1);
    store.offerOwn(k, v5);
    store.commitHeld(k, v5);
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
    Thread reader = new Thread(() -> {
      while (!done.get()) {
        StoredState shown = store.held(k);
        if (shown != v5) {
          seen.incrementAndGet();
        }
      }
    });
    reader.start();
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    for (int i = 0; i < 300_000 && System.nanoTime() < deadline; i++) {
      StoredState v6 = copy(6, 5, "node1", 1);
      store.offerOwn(k, v6);
      store.commitRefused(k, v6);
    }
    done.set(true);
    reader.join();
    assertEquals(0, seen.get(), "a refused v6 was shown to another node");
    assertEquals(v5, store.get(k));
  }
}
