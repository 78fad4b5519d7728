package dev.ringleader.worker;

/**
 * Told when a worker activation stops. Called exactly once per activation, on the thread that
 * finished the worker's last message (an executor thread), never from inside a lock. It must not
 * block; an exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface WorkerListener {
  /**
   * @param worker the activation that stopped; its status is already {@link Worker.Status#STOPPED}
   * @param reason the reason given to the first {@link Worker#stop} call
   * @param last the last committed snapshot, to keep or hand over
   */
  void stopped(Worker<?> worker, StopReason reason, Snapshot<?> last);
}
