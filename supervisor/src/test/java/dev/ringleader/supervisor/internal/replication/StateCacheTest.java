package dev.ringleader.supervisor.internal.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.worker.WorkerKey;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's bounded heap (docs/durability.md): with a disk the heap caches at most {@code
 * state-cache} states and reads the rest from disk, and a key the cache let go of behaves exactly as
 * one it kept: its copy, its pending own commit, its removal, its place in a walk.
 */
class StateCacheTest {
  private static final int CACHE = 3;

  private static StoredState copy(long version, String owner, long total) {
    return new StoredState(version, Json.object().put("total", total), Map.of(), owner, 3, 7);
  }

  private static WorkerKey key(int i) {
    return new WorkerKey("counter", "k" + i);
  }

  /** Touches other keys until the cache has surely let go of every key written before. */
  private static void evict(StateStore store) {
    for (int i = 0; i < CACHE * 4; i++) {
      store.offer(new WorkerKey("filler", "f" + i), copy(1, "node9", i));
    }
  }

  @Test
  void theHeapHoldsAtMostTheCacheAndEveryStateIsReadBackFromDisk(@TempDir Path dir) throws Exception {
    try (StateDisk disk = StateDisk.open(dir, false, false)) {
      StateStore store = new StateStore(disk, CACHE);
      for (int i = 0; i < 200; i++) {
        store.offer(key(i), copy(1, "node1", i));
        store.offer(key(i), copy(2, "node2", i * 10));
        assertTrue(store.inHeap() <= CACHE, "the heap holds " + store.inHeap() + " states, the cache is " + CACHE);
      }
      for (int i = 0; i < 200; i++) {
        assertEquals(2, store.get(key(i)).version());
        assertEquals(i * 10, store.get(key(i)).state().get("total").asLong());
        assertEquals(2, store.held(key(i)).version());
      }
      assertEquals(2, store.offer(key(7), copy(1, "node3", 0)).version(), "an older copy loses to the one on disk");
      evict(store);
      store.remove(key(5));
      assertTrue(store.removeIfSame(key(6), copy(2, "node2", 60)));
      store.removeIfOwner(key(8), "node2");
      assertTrue(store.removeIfVersion(key(9), 2));
      evict(store);
      for (int i : new int[] {5, 6, 8, 9}) {
        assertNull(store.get(key(i)), "removed while not cached: gone from disk too");
      }
    }
  }

  @Test
  void anOwnCommitTheCacheLetGoOfStaysPendingUntilHeld(@TempDir Path dir) throws Exception {
    WorkerKey a = key(1);
    WorkerKey b = key(2);
    WorkerKey c = key(3);
    StoredState v1 = copy(1, "node1", 1);
    StoredState a2 = copy(2, "node1", 2);
    StoredState b2 = copy(2, "node1", 2);
    StoredState c2 = copy(2, "node1", 2);
    try (StateDisk disk = StateDisk.open(dir, true, false)) {
      StateStore store = new StateStore(disk, CACHE);
      for (WorkerKey k : List.of(a, b, c)) {
        store.offer(k, v1);
      }
      store.offerOwn(a, a2);
      store.offerOwn(b, b2);
      store.offerOwn(c, c2);
      evict(store);
      assertSame(a2, store.get(a), "the node itself sees its commit");
      assertSame(v1, store.held(a), "other nodes see the copy it replaced");
      evict(store);
      Map<WorkerKey, StoredState> walked = walked(store);
      assertEquals(1, walked.get(a).version(), "a walk never carries an own commit still being copied");

      evict(store);
      store.commitHeld(a, a2); // held: now visible and on disk
      evict(store);
      store.commitRefused(b, b2); // refused: back to the copy it replaced
      StoredState newer = copy(3, "node2", 30);
      evict(store);
      store.offer(c, newer); // a newer copy from elsewhere ends c's pending mark
      evict(store);
      assertEquals(2, store.held(a).version());
      assertEquals(1, store.get(b).version());
      assertEquals(1, store.held(b).version());
      assertEquals(3, store.get(c).version());
      assertEquals(3, store.held(c).version());
      store.commitHeld(c, c2); // too late: c2 is not c's copy any more, nothing changes
      assertEquals(3, store.get(c).version());
    }
    try (StateDisk disk = StateDisk.open(dir, true, false)) {
      StateStore store = new StateStore(disk, CACHE);
      assertEquals(2, store.get(a).version(), "the held commit is on disk");
      assertEquals(1, store.get(b).version(), "the refused commit never reached the disk");
      assertEquals(3, store.get(c).version());
    }
  }

  @Test
  void aRefusedOwnCommitGoesBackToTheCopyItReplacedNotAnOlderOne(@TempDir Path dir) throws Exception {
    WorkerKey k = key(1);
    try (StateDisk disk = StateDisk.open(dir, false, false)) {
      StateStore store = new StateStore(disk, CACHE);
      store.offer(k, copy(5, "node1", 5)); // what the committer read before its commit
      StoredState fromPeer = copy(6, "node2", 60);
      store.offer(k, fromPeer); // arrives before the commit is kept
      StoredState own = copy(7, "node1", 70);
      store.offerOwn(k, own);
      assertSame(fromPeer, store.held(k), "others see the copy the commit replaced, not an older one");
      evict(store);
      store.commitRefused(k, own);
      assertEquals(6, store.get(k).version());
      evict(store);
      assertEquals(6, store.get(k).version(), "heap and disk agree");
    }
  }

  @Test
  void aWalkReadsEveryCopyOnceInChunks(@TempDir Path dir) throws Exception {
    try (StateDisk disk = StateDisk.open(dir, false, false)) {
      StateStore store = new StateStore(disk, CACHE);
      for (int i = 0; i < 1_000; i++) {
        store.offer(key(i), copy(1 + i % 5, "node1", i));
      }
      StateStore.Walk walk = store.walk();
      Map<WorkerKey, StoredState> seen = new HashMap<>();
      int chunks = 0;
      for (List<Map.Entry<WorkerKey, StoredState>> chunk = walk.next(64); !chunk.isEmpty(); chunk = walk.next(64)) {
        assertTrue(chunk.size() <= 64);
        chunks++;
        for (Map.Entry<WorkerKey, StoredState> e : chunk) {
          assertNull(seen.put(e.getKey(), e.getValue()), "each key once: " + e.getKey());
        }
      }
      assertEquals(1_000, seen.size());
      assertEquals(16, chunks); // 15 of 64 and one of 40
      for (int i = 0; i < 1_000; i++) {
        assertEquals(1 + i % 5, seen.get(key(i)).version());
      }
    }
  }

  @Test
  void inMemoryEveryStateStaysInTheHeap() {
    StateStore store = new StateStore();
    for (int i = 0; i < 100; i++) {
      store.offer(key(i), copy(1, "node1", i));
    }
    assertEquals(100, store.inHeap());
    assertEquals(100, walked(store).size());
  }

  private static Map<WorkerKey, StoredState> walked(StateStore store) {
    Map<WorkerKey, StoredState> out = new HashMap<>();
    StateStore.Walk walk = store.walk();
    for (List<Map.Entry<WorkerKey, StoredState>> chunk = walk.next(7); !chunk.isEmpty(); chunk = walk.next(7)) {
      chunk.forEach(e -> out.put(e.getKey(), e.getValue()));
    }
    return out;
  }
}
