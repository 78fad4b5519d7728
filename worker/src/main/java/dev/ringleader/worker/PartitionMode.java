package dev.ringleader.worker;

/**
 * What a node does with an ID when it is cut off from ZooKeeper or from the ID's owner: the
 * cluster's {@code --partition-mode}, which a {@link WorkerType#partitionMode()} may override.
 */
public enum PartitionMode {
  /**
   * Keep serving: live workers go on (after a lost session too), and an ID whose owner cannot be
   * reached gets a provisional worker here. Such detached activations are merged into the ring
   * owner's worker by the conflict resolver once the split heals (docs/conflict-resolution.md).
   */
  AVAILABLE,
  /**
   * Stop accepting requests for the node's IDs as soon as ZooKeeper is unreachable (Curator
   * SUSPENDED) and drop the workers when the session is lost, so no ID is ever served twice.
   */
  CONSISTENT
}
