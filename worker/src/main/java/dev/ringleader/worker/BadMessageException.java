package dev.ringleader.worker;

/**
 * Thrown by a handler to reject a message as invalid (a client error, answered 400) rather than to
 * crash: the worker is not restarted, its restart count is unchanged and its state is untouched.
 */
public final class BadMessageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadMessageException(String message) {
    super(message, null, false, false);
  }
}
