package dev.ringleader.demo.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the run knows about one player a check found wrong: its acknowledged and unknown sums, what
 * each node read, every reward of it that needed a retry or was never acknowledged (with each
 * attempt: when, which node, what it answered), its ownership history from the cluster, and the
 * lines of the node logs that name it.
 */
final class Evidence {
  private static final int REWARDS_SHOWN = 30;
  private static final int LOG_LINES_PER_FILE = 40;
  private static final int CANDIDATES_SHOWN = 12;

  private Evidence() {}

  static List<String> of(int player, ChaosOptions options, ChaosCluster cluster, NodeHttp http,
      RewardLedger ledger, ChaosChecks checks, Path logs) {
    String id = options.player(player);
    List<String> out = new ArrayList<>();
    long acked = ledger.ackedSum(player);
    out.add(id + ": acknowledged " + acked + ", unknown " + ledger.unknownSum(player) + ", reads "
        + checks.answers(player));
    List<Reward> all = ledger.all(player);
    long excess = checks.answers(player).values().stream().filter(a -> !a.startsWith("error"))
        .mapToLong(a -> Long.parseLong(a.substring(0, a.indexOf(' ')))).max().orElse(acked) - acked
        - ledger.unknownSum(player);
    if (excess > 0) {
      // The likely key counted twice has exactly that amount (unless several add up to it); a retried
      // one is the first suspect, but a node's own retry of a forward is invisible to the client.
      List<String> candidates = all.stream().filter(r -> r.amount == excess).limit(CANDIDATES_SHOWN)
          .map(r -> "#" + r.seq + (r.attemptCount() > 1 ? " (retried)" : "") + " first sent "
              + (r.attempts().isEmpty() ? "?" : r.attempts().get(0)))
          .toList();
      out.add("  " + excess + " too many; rewards of exactly that amount: " + candidates);
    }
    out.add("  " + all.size() + " rewards; those retried or not acknowledged (amount +n, #order):");
    int shown = 0;
    for (Reward r : all) {
      if (r.attemptCount() > 1 || !r.isAcknowledged()) {
        if (++shown > REWARDS_SHOWN) {
          out.add("    ...");
          break;
        }
        out.add("    " + r);
        for (Reward.Attempt a : r.attempts()) {
          out.add("      " + a);
        }
      }
    }
    if (!cluster.nodes().isEmpty()) {
      out.add("  history: " + http.describe(cluster.url(cluster.nodes().get(0)), "/cluster/history/player/" + id,
          Duration.ofSeconds(5)));
    }
    out.addAll(logLines(id, logs));
    return out;
  }

  /** The lines of each node's log that name the player (the last ones, if many). */
  static List<String> logLines(String id, Path logs) {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(logs)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("node")).sorted().toList()) {
        List<String> hits = new ArrayList<>();
        try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
          lines.filter(l -> l.contains(id)).forEach(hits::add);
        } catch (java.io.UncheckedIOException e) {
          hits.add("(unreadable: " + e.getMessage() + ")");
        }
        out.add("  " + f.getFileName() + ": " + hits.size() + " lines name " + id
            + (hits.size() > LOG_LINES_PER_FILE ? " (last " + LOG_LINES_PER_FILE + ")" : ""));
        for (String l : hits.subList(Math.max(0, hits.size() - LOG_LINES_PER_FILE), hits.size())) {
          out.add("    " + l);
        }
      }
    } catch (IOException e) {
      out.add("  (cannot read the logs in " + logs + ": " + e.getMessage() + ")");
    }
    return out;
  }
}
