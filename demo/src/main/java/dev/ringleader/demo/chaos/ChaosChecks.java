package dev.ringleader.demo.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checks after the heal, over every player: reads from every node agree; acknowledged <= score
 * <= acknowledged + unknown, and score == acknowledged when nothing is unknown (no key counted twice,
 * no acknowledged reward lost); each player is live on at most one node and its global name is held
 * by that node. Transient states are given a bounded time to pass (a read that meets a handoff); what
 * persists past it fails.
 */
final class ChaosChecks {
  private static final Duration CALL = Duration.ofSeconds(5);
  private static final Duration AGREE_WITHIN = Duration.ofSeconds(20);
  private static final Duration PLACEMENT_WITHIN = Duration.ofSeconds(20);

  private final ChaosOptions options;
  private final ChaosCluster cluster;
  private final NodeHttp http;
  private final RewardLedger ledger;
  /** Per player (index), per node: the score it read, or its error. Filled by {@link #readsAgree()}. */
  private final Map<Integer, Map<String, String>> answers = new TreeMap<>();
  /** Players any check found wrong, for the evidence. */
  final TreeSet<Integer> suspects = new TreeSet<>();

  ChaosChecks(ChaosOptions options, ChaosCluster cluster, NodeHttp http, RewardLedger ledger) {
    this.options = options;
    this.cluster = cluster;
    this.http = http;
    this.ledger = ledger;
  }

  /** Every node answers GET /workers/player/{id} with one score; rounds re-read the players that disagree. */
  Check readsAgree() throws InterruptedException {
    List<Integer> pending = new ArrayList<>();
    for (int p = 0; p < options.players(); p++) {
      pending.add(p);
    }
    long deadline = System.nanoTime() + AGREE_WITHIN.toNanos();
    int rounds = 0;
    while (!pending.isEmpty()) {
      rounds++;
      List<Integer> again = new ArrayList<>();
      for (int p : pending) {
        Map<String, String> byNode = new LinkedHashMap<>();
        for (String node : cluster.nodes()) {
          JsonNode state = http.get(cluster.url(node), "/workers/player/" + options.player(p), CALL);
          byNode.put(node, state == null ? "error: " + http.describe(cluster.url(node), "/workers/player/"
              + options.player(p), CALL) : Long.toString(state.path("state").path("score").asLong()) + " (worker on "
              + state.path("node").asText() + ")");
        }
        answers.put(p, byNode);
        if (!agree(byNode)) {
          again.add(p);
        }
      }
      pending = again;
      if (pending.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(2_000);
    }
    List<String> details = new ArrayList<>();
    for (int p : pending) {
      suspects.add(p);
      details.add(options.player(p) + " read differently: " + answers.get(p));
    }
    return new Check("reads agree", pending.isEmpty(), pending.isEmpty()
        ? "all " + options.players() + " players read the same score on all " + cluster.nodes().size() + " nodes"
            + (rounds > 1 ? " (after " + rounds + " rounds: some reads first met a move)" : "")
        : pending.size() + " players read differently after " + rounds + " rounds", details);
  }

  /** acknowledged <= score <= acknowledged + unknown for every node's answer; == when unknown is 0. */
  Check scoresWithinBounds() {
    List<String> details = new ArrayList<>();
    int exact = 0;
    int failed = 0;
    for (int p = 0; p < options.players(); p++) {
      long acked = ledger.ackedSum(p);
      long unknown = ledger.unknownSum(p);
      TreeSet<Long> scores = scores(answers.getOrDefault(p, Map.of()));
      if (scores.isEmpty()) {
        failed++;
        suspects.add(p);
        details.add(options.player(p) + ": no node could read its score: " + answers.get(p));
        continue;
      }
      for (long score : scores) {
        String verdict = null;
        if (score < acked) {
          verdict = "LOST " + (acked - score) + " acknowledged";
        } else if (score > acked + unknown) {
          verdict = (unknown == 0 ? "COUNTED TWICE: " : "EXTRA: ") + (score - acked - unknown)
              + " more than acknowledged + unknown";
        }
        if (verdict != null) {
          failed++;
          suspects.add(p);
          details.add(options.player(p) + ": acknowledged " + acked + ", unknown " + unknown + ", score " + score
              + ": " + verdict + "; reads " + answers.get(p));
        }
      }
      if (unknown == 0 && scores.size() == 1 && scores.first() == acked) {
        exact++;
      }
    }
    int withUnknown = 0;
    for (int p = 0; p < options.players(); p++) {
      withUnknown += ledger.unknownSum(p) > 0 ? 1 : 0;
    }
    return new Check("acknowledged <= score <= acknowledged + unknown (== when unknown is 0)", failed == 0,
        exact + " players exact, " + withUnknown + " with unknown rewards left, " + failed + " wrong", details);
  }

  /** Each player live on at most one node, and its name in ZooKeeper held by that node (or by none). */
  Check onePlacementPerPlayer() throws InterruptedException, IOException {
    long deadline = System.nanoTime() + PLACEMENT_WITHIN.toNanos();
    List<String> details;
    int rounds = 0;
    do {
      rounds++;
      details = new ArrayList<>();
      Map<String, List<String>> live = new TreeMap<>();
      for (String node : cluster.nodes()) {
        JsonNode workers = http.get(cluster.url(node), "/node/workers", CALL);
        if (workers == null) {
          details.add(node + " did not list its workers: " + http.describe(cluster.url(node), "/node/workers", CALL));
          continue;
        }
        for (JsonNode w : workers.path("workers")) {
          if (w.path("type").asText().equals("player")) {
            String how = w.path("status").asText() + (w.hasNonNull("detached") ? ", detached" : "");
            live.computeIfAbsent(w.path("id").asText(), k -> new ArrayList<>()).add(node + " (" + how + ")");
          }
        }
      }
      Map<String, String> names = RegistryReader.holders(cluster.zkAddress(), cluster.cluster(), "player");
      boolean ring = options.names().equals("ring");
      if (ring && !names.isEmpty()) {
        details.add("with --names ring no name is a znode, but ZooKeeper holds " + names);
      }
      for (int p = 0; p < options.players(); p++) {
        String id = options.player(p);
        List<String> on = live.getOrDefault(id, List.of());
        // With --names ring the name is held in memory by the ring owner: a live worker must be there.
        String holder = ring ? (on.isEmpty() ? null : ringOwner(id)) : names.get(id);
        boolean ok = on.isEmpty() ? holder == null : on.size() == 1 && on.get(0).startsWith(holder + " (");
        if (!ok) {
          details.add(id + ": live on " + on + ", name held by " + (holder == null ? "nobody" : holder));
        }
      }
      if (details.isEmpty()) {
        break;
      }
      Thread.sleep(2_000);
    } while (System.nanoTime() < deadline);
    for (String d : details) {
      for (int p = 0; p < options.players(); p++) {
        if (d.startsWith(options.player(p) + ":")) {
          suspects.add(p);
        }
      }
    }
    return new Check("one live worker per player, its name held by its node" + (options.names().equals("ring")
        ? " (in memory: its ring owner)" : ""), details.isEmpty(), details.isEmpty()
        ? "every player live on at most one node, " + (options.names().equals("ring") ? "its ring owner (no name "
            + "znode)" : "named in ZooKeeper by that node")
            + (rounds > 1 ? " (after " + rounds + " looks)" : "")
        : details.size() + " problems persisted for " + PLACEMENT_WITHIN.toSeconds() + " s", details);
  }

  /** The owner of a player in the ring of the first node that answers; "?" when none does. */
  private String ringOwner(String id) {
    for (String node : cluster.nodes()) {
      JsonNode owner = http.get(cluster.url(node), "/cluster/owner/player/" + id, CALL);
      if (owner != null && owner.hasNonNull("owner")) {
        return owner.get("owner").asText();
      }
    }
    return "?";
  }

  /** The answers a player got from each node (after {@link #readsAgree()}). */
  Map<String, String> answers(int player) {
    return answers.getOrDefault(player, Map.of());
  }

  /** Every node answered, all with one score. */
  private static boolean agree(Map<String, String> byNode) {
    return byNode.values().stream().noneMatch(a -> a.startsWith("error")) && scores(byNode).size() == 1;
  }

  /** The distinct scores the nodes that answered read. */
  private static TreeSet<Long> scores(Map<String, String> byNode) {
    TreeSet<Long> s = new TreeSet<>();
    for (String a : byNode.values()) {
      if (!a.startsWith("error")) {
        s.add(Long.parseLong(a.substring(0, a.indexOf(' '))));
      }
    }
    return s;
  }
}
