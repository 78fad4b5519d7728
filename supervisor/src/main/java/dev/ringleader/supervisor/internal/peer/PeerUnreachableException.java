package dev.ringleader.supervisor.internal.peer;

import java.io.IOException;

/** A peer could not be reached, or did not answer in time. */
public final class PeerUnreachableException extends IOException {
  PeerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * True when the peer did not answer in time (a black hole: a partition, a frozen process), false
   * when it refused or closed the connection (its process is gone or leaving).
   */
  public boolean silent() {
    return getCause() instanceof java.util.concurrent.TimeoutException;
  }
}
