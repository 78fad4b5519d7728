package dev.ringleader.supervisor;

/**
 * Where the node keeps its states: durability, the data directory (null: none), what to do with a
 * corrupt store, how many states the heap caches in front of the disk, whether another durability
 * among the members stops start-up.
 */
record StoreSettings(Durability durability, java.nio.file.Path dataDir, boolean discardCorrupt, int stateCache,
    boolean durabilityCheckEnforced) {}
