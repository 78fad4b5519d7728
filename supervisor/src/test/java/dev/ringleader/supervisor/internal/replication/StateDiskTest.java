package dev.ringleader.supervisor.internal.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.worker.WorkerKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk state store (issue 14, docs/durability.md): write-through, recovery, compaction, corruption. */
class StateDiskTest {
  private static StoredState copy(long version, String owner, long total) {
    return new StoredState(version, Json.object().put("total", total), Map.of(), owner, 3, 7);
  }

  @Test
  void whatTheStoreKeepsSurvivesAReopenAndWhatItDropsIsGone(@TempDir Path dir) throws Exception {
    WorkerKey a = new WorkerKey("counter", "a");
    WorkerKey b = new WorkerKey("counter", "b/with:odd chars");
    WorkerKey c = new WorkerKey("tick", "c");
    try (StateDisk disk = StateDisk.open(dir, true, false)) {
      StateStore store = new StateStore(disk, 2);
      store.offer(a, copy(1, "node1", 1));
      store.offer(a, copy(2, "node1", 5));
      store.offer(a, copy(1, "node2", 9)); // older: not kept, in memory or on disk
      store.offer(b, copy(4, "node2", 4));
      store.offer(c, copy(1, "node3", 1));
      store.removeIfOwner(c, "node3"); // compaction: a copy no longer needed here goes from disk too
      StoredState v6 = copy(6, "node1", 60);
      store.offerOwn(b, v6); // an own commit, then refused: it never reaches the disk
      store.commitRefused(b, v6);
      WorkerKey d = new WorkerKey("counter", "d");
      store.offerOwn(d, copy(1, "node1", 1));
      store.commitHeld(d, store.get(d)); // held: on disk
      WorkerKey e = new WorkerKey("counter", "e");
      store.offerOwn(e, copy(1, "node1", 1)); // never held (the process dies here): not on disk
    }
    try (StateDisk disk = StateDisk.open(dir, false, false)) {
      StateStore store = new StateStore(disk, 2);
      assertEquals(2, store.get(a).version());
      assertEquals(5, store.get(a).state().get("total").asLong());
      assertEquals(4, store.get(b).version(), "the refused commit was rolled back on disk");
      assertNull(store.get(c), "the dropped copy is gone from disk");
      assertEquals(1, store.get(new WorkerKey("counter", "d")).version(), "a held own commit is on disk");
      assertNull(store.get(new WorkerKey("counter", "e")), "an own commit never held is not recovered");
    }
  }

  @Test
  void aCorruptStoreStopsStartUpNamingItOrIsMovedAsideOnRequest(@TempDir Path dir) throws Exception {
    try (StateDisk disk = StateDisk.open(dir, true, false)) {
      new StateStore(disk, 2).offer(new WorkerKey("counter", "a"), copy(1, "node1", 1));
    }
    Path states = dir.resolve("states");
    try (Stream<Path> files = Files.list(states)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().startsWith("MANIFEST-")) {
          Files.write(f, "this is not a manifest".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
    }
    StateDisk.UnusableException e = assertThrows(StateDisk.UnusableException.class, () -> StateDisk.open(dir, true, false));
    assertTrue(e.getMessage().contains(states.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("--store-corrupt=discard"), e.getMessage());
    try (StateDisk disk = StateDisk.open(dir, true, true)) {
      assertNull(new StateStore(disk, 2).get(new WorkerKey("counter", "a")), "discarded: the node starts empty");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("states.corrupt-")), "moved aside, not deleted");
    }
  }
}
