package dev.ringleader.supervisor;

/** A node could not start; the message is one line naming the cause (and the setting, if one is to blame). */
public final class StartupException extends RuntimeException {
  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
