package dev.ringleader.supervisor.internal.replication;

import dev.ringleader.call.CallError;
import dev.ringleader.registry.Member;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.RingStore;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.internal.node.Smile;
import dev.ringleader.supervisor.internal.failure.RingleaderException;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import dev.ringleader.worker.WorkerKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Scenario 4 of docs/replication.md: before a worker starts, the newest copy of its state among this
 * node's store and the nodes that may hold one: the preference list, or with a durability on disk
 * every member (docs/durability.md 5).
 */
final class NewestCopy {
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(1);

  private final String self;
  private final Settings settings;
  private final RingStore ring;
  private final Membership membership;
  private final PeerClient peers;
  private final StateStore store;

  NewestCopy(String self, Settings settings, RingStore ring, Membership membership, PeerClient peers,
      StateStore store) {
    this.self = self;
    this.settings = settings;
    this.ring = ring;
    this.membership = membership;
    this.peers = peers;
    this.store = store;
  }

  /**
   * The newest copy among this node's store and the other nodes of the preference list (with a
   * durability on disk: every other member, since after a restart of the whole cluster the newest
   * copy may be on a node the ring no longer lists for the key, docs/durability.md); may be null.
   */
  CompletableFuture<StoredState> latest(WorkerKey key) {
    List<CompletableFuture<StoredState>> asks = new ArrayList<>();
    boolean onDisk = settings.durability() != dev.ringleader.supervisor.Durability.MEMORY;
    java.util.Collection<String> holders = onDisk ? membership.members().keySet()
        : ring.current().ring().preferenceList(key.type(), key.id(), settings.replication()); // self skipped below
    java.util.Set<String> silent = java.util.concurrent.ConcurrentHashMap.newKeySet();
    for (String node : holders) {
      if (node.equals(self)) {
        continue;
      }
      Member m = membership.members().get(node);
      if (m == null) {
        continue;
      }
      asks.add(peers.send(m.peer(), PeerRequest.of(PeerOp.FETCH, key, -1, Smile.asking()), FETCH_TIMEOUT)
          .thenApply(r -> {
            if (r.status() != 200 && r.status() != CallError.NOT_FOUND.status()) {
              silent.add(node);
            }
            return r.status() == 200 ? read(r.bytes()) : null;
          })
          .exceptionally(e -> {
            silent.add(node);
            return null;
          }));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
      if (onDisk && !silent.isEmpty()) {
        // On disk a member may hold the only newest copy (docs/durability.md 5): starting without its
        // answer could build on an older one. Retryable; a member that is gone leaves the membership.
        throw new RingleaderException(CallError.NOT_SERVING, "member(s) " + silent + " did not answer the fetch of "
            + key + " and may hold a newer copy (the states are on disk); retry shortly", Duration.ofSeconds(1), null);
      }
      StoredState best = store.get(key);
      for (CompletableFuture<StoredState> a : asks) {
        StoredState s = a.join();
        if (s != null && s.newerThan(best)) {
          best = s;
        }
      }
      if (best != null) {
        store.offer(key, best);
      }
      return best;
    });
  }

  /** A copy from a member's answer; an unreadable one counts as no answer (the member is then silent). */
  private static StoredState read(byte[] body) {
    StoredState s = StoredState.readWire(body);
    if (s == null) {
      throw new IllegalStateException("unreadable copy");
    }
    return s;
  }
}
