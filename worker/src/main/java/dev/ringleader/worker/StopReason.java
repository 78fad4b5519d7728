package dev.ringleader.worker;

/** Why a worker activation stopped; given to {@link WorkerListener#stopped}. */
public enum StopReason {
  /** No message arrived for the limits' idle timeout. */
  IDLE,
  /** Its handler asked for it ({@link WorkerContext#passivate()}), after the message that asked. */
  PASSIVATED,
  /** The activation reached its maximum lifetime. */
  LIFETIME,
  /** The supervisor asked: the ring changed or the worker is handed over. */
  REQUESTED,
  /** The node is stopping. */
  SHUTDOWN
}
