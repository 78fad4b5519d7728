package dev.ringleader.supervisor;

/** Where the global name of each live worker is held ({@code --names}; docs/names.md). */
public enum NamingMode {
  /** A ZooKeeper znode per live worker: one create per activation, one delete per end (the default). */
  ZOOKEEPER,
  /**
   * In memory on the ring owner, fenced by the ring epoch every member has let go of; ZooKeeper holds
   * membership, leader and ring only: no ZooKeeper write per activation.
   */
  RING
}
