package dev.ringleader.worker;

import java.time.Instant;
import java.util.Optional;

/** What a handler may know about the activation it runs in. */
public interface WorkerContext {
  /** The worker's type and ID. */
  WorkerKey key();

  /** The name of the node this activation runs on. */
  String node();

  /** When this activation started. */
  Instant startedAt();

  /** When this activation ends because of its type's maximum lifetime, if it has one. */
  Optional<Instant> expiresAt();

  /** How many times this activation's handler crashed and was restarted. */
  int restarts();
}
