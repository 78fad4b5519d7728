package dev.ringleader.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims whose outcome is unknown (the create may have succeeded on the server while its answer
 * was lost), by path, oldest first. Their callers saw a failure and never use the name, so a name
 * this session holds with that incarnation is an orphan: it is released once the connection is
 * back, rather than lingering (a new owner would see {@code name_held}) until the session ends.
 * Bounded by {@link #MAX_UNSURE}: on overflow the oldest is forgotten (logged); such a name is then
 * released when a request for its key meets it on this node, or when the session ends. Guarded by
 * the map.
 */
final class UnsureClaims {
  private static final Logger log = LoggerFactory.getLogger(UnsureClaims.class);
  /** At most this many claims with an unknown outcome are remembered; beyond, the oldest is forgotten. */
  static final int MAX_UNSURE = 10_000;

  /** The release of a name if it is still this session's with that incarnation. */
  interface Release {
    CompletionStage<Void> release(String type, String id, long incarnation);
  }

  /** A claim that failed without knowing whether its create reached the server. */
  private record Unsure(String type, String id, long incarnation) {}

  private final Map<String, Unsure> unsure = new LinkedHashMap<>();
  private final ClusterPaths paths;
  private final Release release;
  private final BooleanSupplier connected;

  UnsureClaims(ClusterPaths paths, Release release, BooleanSupplier connected) {
    this.paths = paths;
    this.release = release;
    this.connected = connected;
  }

  /** A claim of incarnation {@code incarnation} failed without knowing whether its create was applied. */
  void add(String type, String id, long incarnation) {
    String path = paths.name(type, id);
    synchronized (unsure) {
      unsure.put(path + "#" + incarnation, new Unsure(type, id, incarnation));
      if (unsure.size() > MAX_UNSURE) {
        String oldest = unsure.keySet().iterator().next();
        unsure.remove(oldest);
        log.warn("more than {} claims with an unknown outcome; forgetting {} (its name, if it exists, is released "
            + "when a request meets it here or when the session ends)", MAX_UNSURE, oldest);
      }
    }
    log.warn("the claim of {} (incarnation {}) got no answer; its name, if it was created, is released once "
        + "ZooKeeper answers again", path, incarnation);
    if (connected.getAsBoolean()) {
      releaseAll();
    }
  }

  /** Releases every remembered name this session holds for its unknown-outcome incarnation. */
  void releaseAll() {
    List<Map.Entry<String, Unsure>> todo;
    synchronized (unsure) {
      todo = new ArrayList<>(unsure.entrySet());
    }
    for (Map.Entry<String, Unsure> e : todo) {
      Unsure u = e.getValue();
      release.release(u.type(), u.id(), u.incarnation()).whenComplete((v, err) -> {
        if (err == null) {
          synchronized (unsure) {
            unsure.remove(e.getKey(), u);
          }
          log.debug("name {} of a claim without an answer: released if it was ours", e.getKey());
        }
        // else: kept for the next reconnection
      });
    }
  }

  /** The session that may have created them is gone, and its ephemerals with it. */
  void clear() {
    synchronized (unsure) {
      unsure.clear();
    }
  }

  int count() {
    synchronized (unsure) {
      return unsure.size();
    }
  }
}
