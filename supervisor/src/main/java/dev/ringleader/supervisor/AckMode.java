package dev.ringleader.supervisor;

/** When a state change is acknowledged to the caller. */
public enum AckMode {
  /** After the change is held by the replication factor's number of distinct nodes (the default). */
  REPLICAS,
  /** At once; copies are made after. Faster; a crash can lose the last acknowledged updates. */
  LOCAL
}
