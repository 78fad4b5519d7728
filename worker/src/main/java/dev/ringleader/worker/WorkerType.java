package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * A kind of worker a user implements. One worker per ID runs in the cluster; it handles one
 * message at a time and its state is a value that Jackson can write and read.
 *
 * <p>A handler must not mutate the state it is given: it returns the next state in a {@link Step}.
 * If it throws, the worker is restarted with its last committed state and the message fails.
 */
public interface WorkerType<S> {
  /** The type's name, used in URLs and znode paths: letters, digits, '-' and '_'. */
  String name();

  /** The class of the state, for (de)serialisation when the state is replicated or handed over. */
  Class<S> stateClass();

  /** The state of a new worker that has no saved state. */
  S initialState(WorkerContext context);

  /** Handles one message. Runs on a shared executor, one message at a time per worker. */
  Step<S> handle(S state, JsonNode message, WorkerContext context) throws Exception;

  /** What {@code GET /workers/{type}/{id}} shows as "state"; the state itself by default. */
  default Object view(S state, WorkerContext context) {
    return state;
  }

  /** True when {@link #merge} is defined; the conflict resolver keeps the survivor's state otherwise. */
  default boolean mergeable() {
    return false;
  }

  /**
   * Merges the state of a duplicate activation into the survivor's state after a netsplit heals.
   * Called only when {@link #mergeable()} is true.
   */
  default S merge(S survivor, S other) {
    return survivor;
  }

  /**
   * What this type's workers do when their node is cut off from ZooKeeper or from an ID's owner
   * (see {@link PartitionMode}); null, the default, means the cluster's {@code --partition-mode}.
   * A cache may prefer {@link PartitionMode#AVAILABLE}, a ledger {@link PartitionMode#CONSISTENT}.
   */
  default PartitionMode partitionMode() {
    return null;
  }

  /** An idle worker (no message for this long) is passivated. Zero means never. */
  default Duration idleTimeout() {
    return Duration.ofMinutes(5);
  }

  /** A worker ends this long after it starts, whatever it does. Zero means no limit. */
  default Duration maxLifetime() {
    return Duration.ZERO;
  }

  /**
   * True when the state is kept (by the owner and its replicas) after the worker is passivated, and
   * restored on the next activation; false when it is dropped when the worker ends.
   */
  default boolean stateOutlivesPassivation() {
    return true;
  }
}
