package dev.ringleader.registry;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * How an activation takes, waits for and gives back the global name of its worker: the naming mode
 * ({@code --names}). {@link NameRegistry} keeps each name in ZooKeeper (one znode per live worker,
 * the default); the supervisor's ring naming keeps it in memory on the ring owner, fenced by the ring
 * epoch each member has let go of ({@link ReleasedEpochs}; docs/names.md).
 */
public interface WorkerNames {
  /**
   * Takes the name of {@code type/id} for the activation {@code value}, or says who holds it. A claim
   * that completes exceptionally must not be used: the caller gives up this activation.
   */
  CompletionStage<Claim> claim(String type, String id, GlobalName value);

  /**
   * Asked once an activation counts {@code claim} (taken) as its own: false when it can no longer be
   * trusted (with names held in memory, the session it was taken in was lost or replaced meanwhile).
   * A znode claim stays what ZooKeeper says: true.
   */
  default boolean stillHeld(Claim claim) {
    return true;
  }

  /** Gives the name back if activation {@code incarnation} of this node still holds it; else nothing. */
  CompletionStage<Void> release(String type, String id, long incarnation);

  /** Completes with true once the name may be claimed (at once if it may), or with false after {@code timeout}. */
  CompletionStage<Boolean> awaitAbsent(String type, String id, Duration timeout);
}
