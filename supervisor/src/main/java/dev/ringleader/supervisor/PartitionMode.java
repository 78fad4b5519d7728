package dev.ringleader.supervisor;

/** What a node does when it is cut off from ZooKeeper or from an ID's owner. */
public enum PartitionMode {
  /** Keep serving; duplicates are merged by the conflict resolver when the split heals. */
  AVAILABLE,
  /** Stop accepting writes as soon as ZooKeeper is unreachable, so no duplicate ever serves. */
  CONSISTENT
}
