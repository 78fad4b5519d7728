package dev.ringleader.supervisor.internal.http;

import dev.ringleader.call.CallError;
import dev.ringleader.registry.Member;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.Ring;
import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.VersionedRing;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.internal.activation.LocalSupervisor;
import dev.ringleader.supervisor.internal.activation.OwnershipHistory;
import dev.ringleader.supervisor.internal.activation.WorkerTypes;
import dev.ringleader.supervisor.internal.coordinator.Leadership;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.node.EventLog;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.worker.WorkerKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** The read-only views of the cluster and this node: {@code /cluster}, {@code /cluster/owner}, {@code /node/workers}, {@code /health}. */
public final class Views {
  static final int WORKER_LIST_LIMIT = 1000;

  private final Settings settings;
  private final Leadership leadership;
  private final RingStore ring;
  private final Membership membership;
  private final LocalSupervisor local;
  private final WorkerTypes types;
  private final EventLog events;
  private final OwnershipHistory history;
  private final PeerClient peers;
  /** Why this node does not serve, or null when it does. */
  private final Supplier<String> notServingReason;

  public Views(Settings settings, Leadership leadership, RingStore ring, Membership membership, LocalSupervisor local,
      WorkerTypes types, EventLog events, OwnershipHistory history, PeerClient peers,
      Supplier<String> notServingReason) {
    this.events = events;
    this.history = history;
    this.peers = peers;
    this.settings = settings;
    this.leadership = leadership;
    this.ring = ring;
    this.membership = membership;
    this.local = local;
    this.types = types;
    this.notServingReason = notServingReason;
  }

  /** Blocking (reads the leader from ZooKeeper): run off the IO thread. */
  Answer cluster() {
    VersionedRing vr = ring.current();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cluster", settings.cluster());
    out.put("node", settings.nodeId());
    out.put("leader", leadership.leader());
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("epoch", vr.epoch());
    r.put("vnodes", vr.ring().spec().vnodes());
    r.put("members", vr.ring().spec().members());
    Map<String, Double> shares = new LinkedHashMap<>();
    for (String n : vr.ring().nodes()) {
      shares.put(n, Math.round(vr.ring().share(n) * 10000) / 10000.0);
    }
    r.put("shares", shares);
    out.put("ring", r);
    List<Object> members = new ArrayList<>();
    for (Member m : membership.members().values()) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("node", m.node());
      mm.put("url", m.url());
      mm.put("startedAt", m.startedAt());
      mm.put("weight", m.weight());
      mm.put("status", m.status().json());
      mm.put("inRing", vr.ring().contains(m.node()));
      members.add(mm);
    }
    out.put("members", members);
    out.put("types", types.names());
    return Answer.ok(out);
  }

  /** {@code GET /cluster/owner/{type}/{id}}; the key was checked by the API. */
  Answer owner(WorkerKey key) {
    VersionedRing vr = ring.current();
    List<String> prefs = vr.ring().preferenceList(key.type(), key.id(), settings.replication());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("owner", prefs.isEmpty() ? null : prefs.get(0));
    out.put("replicas", prefs.size() <= 1 ? List.of() : prefs.subList(1, prefs.size()));
    out.put("epoch", vr.epoch());
    return Answer.ok(out);
  }

  /**
   * The ring as arcs of the hash circle for drawing: {@code {"epoch","arcs":[{"from","to","node"}]}},
   * fractions of the circle in [0,1), adjacent arcs of one node merged; at most {@code max} arcs
   * (sampled owners of equal slices when the ring has more).
   */
  Answer ringArcs(int max) {
    Ring r = ring.current().ring();
    List<Map<String, Object>> arcs = new ArrayList<>();
    if (!r.isEmpty()) {
      int slices = Math.max(1, Math.min(max, 4096));
      String prev = null;
      double from = 0;
      for (int i = 0; i < slices; i++) {
        double mid = (i + 0.5) / slices;
        long hash = (long) (mid * 18446744073709551616.0 - 9223372036854775808.0) ^ Long.MIN_VALUE;
        String owner = r.ownerOf(hash);
        if (prev != null && !owner.equals(prev)) {
          arcs.add(arc(from, (double) i / slices, prev));
          from = (double) i / slices;
        }
        prev = owner;
      }
      arcs.add(arc(from, 1.0, prev));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("epoch", r.epoch());
    out.put("arcs", arcs);
    return Answer.ok(out);
  }

  private static Map<String, Object> arc(double from, double to, String node) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("from", Math.round(from * 1e6) / 1e6);
    a.put("to", Math.round(to * 1e6) / 1e6);
    a.put("node", node);
    return a;
  }

  /** {@code GET /node/history/{type}/{id}}: what this node did with the ID. */
  Answer localHistory(WorkerKey key) {
    return Answer.ok(Map.of("node", settings.nodeId(), "history", history.of(key)));
  }

  /**
   * {@code GET /cluster/history/{type}/{id}}: every member's entries for the ID, oldest first, with
   * the nodes that did not answer. A node that died took its own entries with it; the activation
   * that followed says "failover from" it.
   */
  CompletableFuture<Answer> clusterHistory(WorkerKey key) {
    List<CompletableFuture<List<OwnershipHistory.Entry>>> asks = new ArrayList<>();
    List<String> unreachable = java.util.Collections.synchronizedList(new ArrayList<>());
    for (Member m : membership.members().values()) {
      if (m.node().equals(settings.nodeId())) {
        asks.add(CompletableFuture.completedFuture(history.of(key)));
        continue;
      }
      asks.add(peers.send(m.peer(), dev.ringleader.supervisor.internal.peer.PeerRequest.of(
              dev.ringleader.supervisor.internal.peer.PeerOp.HISTORY, key, -1, null), settings.forwardTimeout())
          .thenApply(r -> {
            try {
              List<OwnershipHistory.Entry> out = new ArrayList<>();
              for (var n : Json.MAPPER.readTree(r.body()).path("history")) {
                out.add(Json.MAPPER.treeToValue(n, OwnershipHistory.Entry.class));
              }
              return out;
            } catch (Exception e) {
              throw new java.util.concurrent.CompletionException(e);
            }
          })
          .exceptionally(e -> {
            unreachable.add(m.node());
            return List.of();
          }));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<OwnershipHistory.Entry> all = new ArrayList<>();
      asks.forEach(a -> all.addAll(a.join()));
      all.sort(java.util.Comparator.comparingLong(OwnershipHistory.Entry::at));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("type", key.type());
      out.put("id", key.id());
      out.put("owner", ring.current().ring().owner(key.type(), key.id()));
      out.put("epoch", ring.current().epoch());
      out.put("history", all);
      out.put("unreachable", unreachable);
      return Answer.ok(out);
    });
  }

  Map<String, Object> events(int limit) {
    return events.view(limit);
  }

  Answer nodeWorkers() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("node", settings.nodeId());
    out.put("count", local.liveCount());
    out.put("detached", local.detachedActivations().detachedCount());
    out.put("awaitingMerge", local.detachedActivations().awaitingMerge());
    out.put("workers", local.describe(WORKER_LIST_LIMIT));
    return Answer.ok(out);
  }

  /** {@code GET /health/live}: 200 while the process runs and answers HTTP at all. */
  Answer live() {
    return Answer.ok(Map.of("status", "alive", "node", settings.nodeId()));
  }

  Answer health() {
    String reason = notServingReason.get();
    if (reason != null) {
      return ErrorResponses.of(CallError.NOT_SERVING, reason);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", "serving");
    out.put("node", settings.nodeId());
    out.put("epoch", ring.current().epoch());
    out.put("members", membership.members().size());
    out.put("writes", membership.members().size() >= settings.minNodes() ? "accepted"
        : "refused: below min-nodes " + settings.minNodes());
    return Answer.ok(out);
  }
}
