package dev.ringleader.registry;

/** Another live process holds this node's name in the cluster. */
public final class DuplicateMemberException extends IllegalStateException {
  public DuplicateMemberException(String message) {
    super(message);
  }
}
