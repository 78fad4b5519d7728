package dev.ringleader.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ringleader.call.CallError;
import dev.ringleader.call.CallException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client's ring snapshot and how it is refreshed: {@code GET /cluster} from one node after
 * another (the snapshot's {@code up} members first, then the seeds) until one answers.
 *
 * <p>Refreshes are coalesced: while one is in flight, every other request for a refresh gets the
 * same future, so a burst of {@code 421}s costs one GET. A snapshot never goes back: an answer
 * with an older ring epoch than the current one (from a node that lags) is ignored.
 *
 * <p>No locks: {@link #current} and {@link #inFlight} are atomic references.
 */
final class RingView {
  private final List<String> seeds;
  private final Transport transport;
  private final ObjectMapper json;
  private final Duration fetchTimeout;
  private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.EMPTY);
  private final AtomicReference<CompletableFuture<Snapshot>> inFlight = new AtomicReference<>();
  /** Rotates the first node asked, so refreshes spread over the members. */
  private final AtomicInteger rotation = new AtomicInteger();
  private final AtomicLong fetches = new AtomicLong();

  RingView(List<String> seeds, Transport transport, ObjectMapper json, Duration fetchTimeout) {
    this.seeds = List.copyOf(seeds);
    this.transport = transport;
    this.json = json;
    this.fetchTimeout = fetchTimeout;
  }

  Snapshot current() {
    return current.get();
  }

  /** GETs of {@code /cluster} sent so far (coalesced refreshes count once). */
  long fetches() {
    return fetches.get();
  }

  /**
   * A fresh snapshot: the one in flight if a refresh is under way, else a new one. Completes with
   * the current snapshot after the refresh (which may be the old one if no node was newer), or
   * fails with {@link CallException} {@link CallError#UNREACHABLE} when no node answered.
   */
  CompletableFuture<Snapshot> refresh() {
    while (true) {
      CompletableFuture<Snapshot> running = inFlight.get();
      if (running != null) {
        return running;
      }
      CompletableFuture<Snapshot> mine = new CompletableFuture<>();
      if (inFlight.compareAndSet(null, mine)) {
        mine.whenComplete((s, e) -> inFlight.compareAndSet(mine, null));
        List<String> order = candidates();
        fetch(order, 0, new ArrayList<>(), mine);
        return mine;
      }
    }
  }

  private List<String> candidates() {
    Snapshot s = current.get();
    List<String> up = new ArrayList<>();
    for (Snapshot.Member m : s.members().values()) {
      if (m.up()) {
        up.add(m.url());
      }
    }
    if (!up.isEmpty()) {
      java.util.Collections.rotate(up, Math.floorMod(rotation.getAndIncrement(), up.size()));
    }
    Set<String> all = new LinkedHashSet<>(up);
    all.addAll(seeds);
    for (Snapshot.Member m : s.members().values()) {
      all.add(m.url()); // joining or leaving members last
    }
    return new ArrayList<>(all);
  }

  private void fetch(List<String> order, int i, List<String> failures, CompletableFuture<Snapshot> out) {
    if (i >= order.size()) {
      out.completeExceptionally(new CallException(CallError.UNREACHABLE,
          "no node answered GET /cluster: " + String.join("; ", failures)));
      return;
    }
    String url = order.get(i);
    fetches.incrementAndGet();
    transport.send(url, "GET", "/cluster", Map.of(), null, fetchTimeout).whenComplete((a, e) -> {
      String problem;
      if (e != null) {
        problem = url + ": " + e.getMessage();
      } else if (!a.ok()) {
        problem = url + ": " + a.status() + " " + a.body();
      } else {
        try {
          JsonNode body = json.readTree(a.body());
          out.complete(offer(Snapshot.parse(body, current.get())));
          return;
        } catch (Exception parse) {
          problem = url + ": " + parse.getMessage();
        }
      }
      failures.add(problem);
      fetch(order, i + 1, failures, out);
    });
  }

  /** Keeps {@code s} if its ring is at least as new as the current one; returns the current one. */
  private Snapshot offer(Snapshot s) {
    return current.updateAndGet(c -> s.epoch() >= c.epoch() ? s : c);
  }
}
