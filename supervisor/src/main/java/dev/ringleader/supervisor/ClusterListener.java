package dev.ringleader.supervisor;

import java.util.Map;
import java.util.Set;

/**
 * Hears what this node sees of the cluster change. Called on a thread of the node (never a
 * ZooKeeper thread), one event at a time, in order; it must not block. Every method does nothing
 * by default.
 */
public interface ClusterListener {
  /** A new ring: its epoch and its nodes. */
  default void ringChanged(long epoch, Set<String> nodes) {}

  /** This node became the leader ({@code true}) or stopped being it. */
  default void leadershipChanged(boolean leads) {}

  /** The members ZooKeeper lists changed: node name to status ({@code joining}, {@code up}, {@code leaving}). */
  default void membersChanged(Map<String, String> members) {}
}
