package dev.ringleader.supervisor.internal.replication;

import dev.ringleader.registry.Member;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.Ring;
import dev.ringleader.registry.RingStore;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.internal.coordinator.CoalescingTask;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import dev.ringleader.supervisor.internal.peer.PeerLanes;
import dev.ringleader.worker.WorkerKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves copies of worker state where the ring wants them: re-replication after a ring change
 * (scenario 5 of {@code docs/replication.md}) and the push of a joining node's copies
 * ({@code docs/handoff.md}). The copy made on every commit is {@link Replication}'s.
 *
 * <p>Locks: none across I/O. Re-replication runs on its own single thread and a burst of ring
 * changes collapses into one pass; at most {@link #MAX_BATCHES_IN_FLIGHT} batches go to one peer.
 */
public final class Rebalancer {
  private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);
  /** At most this many batches of copies are in flight to one peer from this node (scenario 5). */
  public static final int MAX_BATCHES_IN_FLIGHT = 2;
  /** A walk over the store reads this many copies at a time (its memory: one chunk and its batches). */
  static final int CHUNK = 4_096;

  private final String self;
  private final Settings settings;
  private final RingStore ring;
  private final Membership membership;
  private final PeerClient peers;
  private final StateStore store;
  private final CoalescingTask passes;
  /** Reads and batches the walks' chunks (the pass thread waits for a whole pass). */
  private final ExecutorService walker;
  /** Batches of re-replication and join pushes: at most {@link #MAX_BATCHES_IN_FLIGHT} per peer. */
  private final PeerLanes batchLanes = new PeerLanes(MAX_BATCHES_IN_FLIGHT);
  /** Keys this node must not drop in a re-replication pass (its live workers); set by the node. */
  private volatile Predicate<WorkerKey> live = k -> false;

  public Rebalancer(String self, Settings settings, RingStore ring, Membership membership, PeerClient peers,
      StateStore store, ExecutorService rebalancer, ExecutorService walker) {
    this.self = self;
    this.settings = settings;
    this.ring = ring;
    this.membership = membership;
    this.peers = peers;
    this.store = store;
    this.passes = new CoalescingTask(rebalancer, this::pass);
    this.walker = walker;
  }

  public void setLive(Predicate<WorkerKey> live) {
    this.live = live;
  }

  /** Asks for a re-replication pass; cheap, from any thread. */
  public void onRing() {
    if (settings.replication() > 1) {
      passes.trigger();
    }
  }

  /**
   * One pass, on the pass thread, waited for to the end so that passes never overlap: each chunk's
   * batches are bounded by their own timeouts, so a pass is bounded by its store's size.
   */
  private void pass() {
    CompletableFuture<Void> pass;
    try {
      pass = rereplicate();
    } catch (RuntimeException e) {
      log.warn("re-replication did not start: {}", e.toString());
      return;
    }
    while (true) {
      try {
        pass.get(1, TimeUnit.SECONDS);
        return;
      } catch (TimeoutException e) {
        if (walker.isShutdown()) {
          return; // the node is stopping: the walk's queued steps are gone with its thread
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        log.warn("re-replication stopped: {}", e.getCause().toString());
        return;
      }
    }
  }

  /**
   * Scenario 5: sends every copy this node keeps to the other nodes of its preference list under
   * the current ring, and drops the copies this node no longer needs once a node of the list has
   * acknowledged them. Walks the store {@link #CHUNK} copies at a time (with a disk, only that many
   * are read at once), each chunk's batches answered before the next is read. Completes when every
   * batch was answered, exceptionally when the store closed meanwhile (the node is stopping).
   */
  public CompletableFuture<Void> rereplicate() {
    Ring r = ring.current().ring();
    if (r.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    int[] counts = new int[2]; // sent, dropped
    return walk(store.walk(), chunk -> {
      if (ring.current().ring().epoch() != r.epoch()) {
        // A newer ring arrived during the walk (its pass is queued behind this one): dropping by
        // this ring's lists now could drop a copy the newer ring puts back here.
        log.info("node {}: ring epoch {} arrived during the pass for epoch {}; the next pass starts over", self,
            ring.current().ring().epoch(), r.epoch());
        return CompletableFuture.completedFuture(STOP);
      }
      Map<String, List<ReplicaCopy>> outgoing = new HashMap<>();
      Map<WorkerKey, StoredState> toDrop = new HashMap<>();
      for (Map.Entry<WorkerKey, StoredState> e : chunk) {
        WorkerKey key = e.getKey();
        List<String> prefs = r.preferenceList(key.type(), key.id(), settings.replication());
        for (String node : prefs) {
          if (!node.equals(self)) {
            outgoing.computeIfAbsent(node, n -> new ArrayList<>()).add(ReplicaCopy.of(key, e.getValue()));
          }
        }
        // Dropped only when the new list is full: a ring smaller than R (the last nodes of a cluster
        // that stops) keeps every copy where it is, so a node that never returns takes no key with it.
        if (!prefs.contains(self) && !live.test(key) && prefs.size() >= settings.replication()) {
          toDrop.put(key, e.getValue());
        }
      }
      counts[0] += outgoing.values().stream().mapToInt(List::size).sum();
      return push(outgoing).thenAcceptAsync(delivered -> { // drops write to disk: on the walker
        for (Map.Entry<WorkerKey, StoredState> d : toDrop.entrySet()) {
          if (delivered.contains(d.getKey()) && store.removeIfSame(d.getKey(), d.getValue())) {
            counts[1]++;
          }
        }
      }, walker).thenApply(v -> GO);
    }).thenRun(() -> log.info("node {} re-replicated for ring epoch {}: {} copies sent, {} no longer needed here "
        + "dropped", self, r.epoch(), counts[0], counts[1]));
  }

  /**
   * A joining node's request (docs/handoff.md): sends it every copy it will hold once it is in the
   * ring, i.e. whose preference list in the current ring plus the joiner contains the joiner.
   */
  public CompletableFuture<Integer> pushToJoiner(String joiner, int weight) {
    Ring current = ring.current().ring();
    List<dev.ringleader.registry.RingMember> members = new ArrayList<>(current.spec().members());
    members.removeIf(m -> m.node().equals(joiner));
    members.add(new dev.ringleader.registry.RingMember(joiner, weight));
    Ring prospective = Ring.of(new dev.ringleader.registry.RingSpec(current.epoch() + 1,
        current.isEmpty() ? settings.vnodes() : current.spec().vnodes(), members));
    int[] sent = new int[1];
    return walk(store.walk(), chunk -> {
      List<ReplicaCopy> copies = new ArrayList<>();
      for (Map.Entry<WorkerKey, StoredState> e : chunk) {
        WorkerKey key = e.getKey();
        if (prospective.preferenceList(key.type(), key.id(), settings.replication()).contains(joiner)) {
          copies.add(ReplicaCopy.of(key, e.getValue()));
        }
      }
      return push(Map.of(joiner, copies)).thenApply(delivered -> {
        sent[0] += delivered.size();
        return GO;
      });
    }).thenApply(v -> {
      log.info("node {} sent {} copies to joining node {}", self, sent[0], joiner);
      return sent[0];
    });
  }

  /** A step's answer: read the next chunk, or end the walk here. */
  private static final Boolean GO = Boolean.TRUE;
  private static final Boolean STOP = Boolean.FALSE;

  /**
   * Reads the walk's next chunk on the walker thread, hands it to {@code step}, and once the step's
   * sends are answered reads the next; completes after the last (empty) chunk, or when a step says
   * {@link #STOP}.
   */
  private CompletableFuture<Void> walk(StateStore.Walk walk,
      Function<List<Map.Entry<WorkerKey, StoredState>>, CompletableFuture<Boolean>> step) {
    return CompletableFuture.supplyAsync(() -> walk.next(CHUNK), walker).thenCompose(chunk -> chunk.isEmpty()
        ? CompletableFuture.completedFuture(null)
        : step.apply(chunk).thenCompose(go -> go ? walk(walk, step) : CompletableFuture.completedFuture(null)));
  }

  /** One {@code POST /internal/replicas} body and the keys of its copies. */
  private record Batch(String body, List<WorkerKey> keys) {}

  /**
   * Cuts copies into batches of at most {@link Replication#BATCH} copies and at most
   * {@link PeerClient#INTERNAL_MAX_BYTES} bytes (a copy larger than that alone goes alone, and is
   * refused with 413: logged, not delivered).
   */
  static List<Batch> batches(List<ReplicaCopy> copies) {
    List<Batch> out = new ArrayList<>();
    StringBuilder body = new StringBuilder("[");
    long bytes = 2; // the brackets
    List<WorkerKey> keys = new ArrayList<>();
    for (ReplicaCopy c : copies) {
      String json = Json.MAPPER.valueToTree(c).toString();
      long size = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1L; // and a comma
      if (!keys.isEmpty() && (keys.size() >= Replication.BATCH || bytes + size > PeerClient.INTERNAL_MAX_BYTES)) {
        out.add(new Batch(body.append(']').toString(), keys));
        body = new StringBuilder("[");
        bytes = 2;
        keys = new ArrayList<>();
      }
      if (!keys.isEmpty()) {
        body.append(',');
      }
      body.append(json);
      bytes += size;
      keys.add(c.key());
    }
    if (!keys.isEmpty()) {
      out.add(new Batch(body.append(']').toString(), keys));
    }
    return out;
  }

  /** Sends batches of copies; completes with the keys some node acknowledged. */
  private CompletableFuture<Set<WorkerKey>> push(Map<String, List<ReplicaCopy>> outgoing) {
    Set<WorkerKey> delivered = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (Map.Entry<String, List<ReplicaCopy>> e : outgoing.entrySet()) {
      Member m = membership.members().get(e.getKey());
      if (m == null) {
        continue;
      }
      for (Batch batch : batches(e.getValue())) {
        sends.add(batchLanes.submit(m.node(), () -> peers.send(m.peer(),
                PeerRequest.of(PeerOp.COPY_BATCH, batch.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                settings.forwardTimeout()))
            .thenAccept(resp -> {
              if (resp.status() == 200) {
                batch.keys().forEach(delivered::add);
              } else {
                log.warn("node {} did not keep a batch of {} copies: {} {}", e.getKey(), batch.keys().size(),
                    resp.status(), resp.body());
              }
            })
            .exceptionally(err -> null));
      }
    }
    return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(v -> delivered);
  }
}
