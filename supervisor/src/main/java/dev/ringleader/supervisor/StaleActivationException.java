package dev.ringleader.supervisor;

/**
 * A backup already holds a newer version of a worker's state than the one this activation
 * committed: another activation of the same ID has been serving (this node was paused or cut off
 * past its session). The change is not acknowledged and this activation stops.
 */
final class StaleActivationException extends IllegalStateException {
  StaleActivationException(String message) {
    super(message);
  }
}
