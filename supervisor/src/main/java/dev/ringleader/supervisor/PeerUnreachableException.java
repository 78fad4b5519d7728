package dev.ringleader.supervisor;

import java.io.IOException;

/**
 * A peer could not be reached. {@link #delivered} says whether the request may have reached it:
 * false when the connection could not even be made (safe to send elsewhere), true when it broke or
 * timed out after the request was written.
 */
final class PeerUnreachableException extends IOException {
  final boolean delivered;

  PeerUnreachableException(String message, boolean delivered, Throwable cause) {
    super(message, cause);
    this.delivered = delivered;
  }
}
