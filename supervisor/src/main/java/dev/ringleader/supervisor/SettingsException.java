package dev.ringleader.supervisor;

/** A setting is missing or invalid; the message is one line that names it and what is allowed. */
public final class SettingsException extends IllegalArgumentException {
  public SettingsException(String message) {
    super(message);
  }
}
