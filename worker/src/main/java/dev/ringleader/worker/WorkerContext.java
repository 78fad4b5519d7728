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

  /**
   * Asks for this activation to stop once the current message is finished (its change committed
   * and its reply sent), as if it had been idle: its state is kept (per the type) and the next
   * message starts a new activation. Messages queued behind the current one are still answered.
   */
  void passivate();

  /**
   * Sends a message to another worker of the cluster (any type, any ID, on any node), routed as a
   * call from a client would be, with the given idempotency key (null: one is made up). Completes
   * with the other worker's reply. A handler must not wait for it: the worker handles one message
   * at a time, and a reply that comes back through this worker's own mailbox could never arrive.
   * Send the result to yourself as a new message if you need it.
   *
   * @throws UnsupportedOperationException when the runtime has no way to reach other workers
   */
  java.util.concurrent.CompletionStage<com.fasterxml.jackson.databind.JsonNode> tell(String type, String id,
      Object message, String idempotencyKey);
}
