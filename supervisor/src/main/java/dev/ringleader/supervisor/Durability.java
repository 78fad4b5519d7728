package dev.ringleader.supervisor;

/**
 * Where a node keeps the states it holds, as owner and as backup (setting {@code durability},
 * docs/durability.md). Set the same on every node of a cluster.
 */
public enum Durability {
  /** In the heap only: a state lives as long as one of its R holders runs (the default). */
  MEMORY,
  /**
   * Also in the node's on-disk store ({@code data-dir}), written before a copy is acknowledged;
   * the store's log is synced to disk every few milliseconds (a group commit). Survives a process
   * crash and a restart of every node; a power loss may lose the last few milliseconds.
   */
  DISK,
  /** As {@link #DISK}, and the log is synced before a copy is acknowledged: survives a power loss. */
  DISK_FSYNC;

  /** As the setting spells it: {@code memory}, {@code disk}, {@code disk-fsync} (also in member znodes). */
  String setting() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
