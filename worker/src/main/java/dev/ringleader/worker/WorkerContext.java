package dev.ringleader.worker;

import java.time.Instant;
import java.util.Optional;

/** What a handler may know about the activation it runs in. */
public interface WorkerContext {
  /** The worker's type and ID. */
  WorkerKey key();

  /** The name of the node this activation runs on. */
  String node();

  /**
   * The name under which this activation's changes count in a per-writer mergeable state ({@link
   * PNCounter}, {@link LWWMap}): different for any two activations of one ID that may run at the
   * same time, e.g. on both sides of a netsplit, and the same for successive activations of one
   * lineage, so such states stay small. The supervisor chooses it (docs/conflict-resolution.md).
   */
  String writer();

  /** When this activation started. */
  Instant startedAt();

  /** When this activation ends because of its type's maximum lifetime, if it has one. */
  Optional<Instant> expiresAt();

  /** How many times this activation's handler crashed and was restarted. */
  int restarts();
}
