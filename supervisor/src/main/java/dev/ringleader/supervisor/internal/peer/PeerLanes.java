package dev.ringleader.supervisor.internal.peer;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * At most {@code limit} sends in flight per peer; the others wait, first in first out, and start as
 * earlier ones finish. Nothing blocks: a waiting send is a queued task, started on the thread that
 * completed the send before it.
 *
 * <p>Bound of the waiting queue: what its callers queue, which for re-replication and the join push
 * is the batches of one pass over this node's store (its copies divided by {@code BATCH}), already
 * built in memory by the caller. A peer's lane is removed once it is idle, so the map holds at most
 * the peers with sends in flight.
 *
 * <p>Lock: each lane's monitor guards its count and queue; a send is started outside it.
 */
public final class PeerLanes {
  private final int limit;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  private static final class Lane {
    /** Sends started and not finished; at most {@code limit}. Guarded by this lane. */
    int inFlight;
    /** Sends waiting for a free place. Guarded by this lane. */
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  }

  public PeerLanes(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    this.limit = limit;
  }

  /** Runs {@code send} now if the peer has a free place, else once one frees; completes with its result. */
  public <T> CompletableFuture<T> submit(String peer, Supplier<CompletableFuture<T>> send) {
    CompletableFuture<T> out = new CompletableFuture<>();
    Runnable start = () -> {
      CompletableFuture<T> sent;
      try {
        sent = send.get();
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      sent.whenComplete((v, e) -> {
        finished(peer);
        if (e != null) {
          out.completeExceptionally(e);
        } else {
          out.complete(v);
        }
      });
    };
    boolean now;
    while (true) {
      Lane lane = lanes.computeIfAbsent(peer, p -> new Lane());
      synchronized (lane) {
        if (lanes.get(peer) != lane) {
          continue; // removed as idle meanwhile: take the new one
        }
        now = lane.inFlight < limit;
        if (now) {
          lane.inFlight++;
        } else {
          lane.waiting.add(start);
        }
      }
      break;
    }
    if (now) {
      start.run();
    }
    return out;
  }

  private void finished(String peer) {
    Lane lane = lanes.get(peer);
    Runnable next;
    synchronized (lane) {
      next = lane.waiting.poll();
      if (next == null) {
        lane.inFlight--;
        if (lane.inFlight == 0) {
          lanes.remove(peer, lane);
        }
      }
      // else: the place passes to the next send (inFlight unchanged)
    }
    if (next != null) {
      next.run();
    }
  }

  /** Sends in flight to the peer now (for tests and metrics). */
  int inFlight(String peer) {
    Lane lane = lanes.get(peer);
    if (lane == null) {
      return 0;
    }
    synchronized (lane) {
      return lane.inFlight;
    }
  }
}
