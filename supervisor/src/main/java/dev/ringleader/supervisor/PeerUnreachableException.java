package dev.ringleader.supervisor;

import java.io.IOException;

/** A peer could not be reached, or did not answer in time. */
final class PeerUnreachableException extends IOException {
  PeerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
