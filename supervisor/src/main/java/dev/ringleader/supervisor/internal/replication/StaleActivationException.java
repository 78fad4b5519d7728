package dev.ringleader.supervisor.internal.replication;

/**
 * This activation's commit cannot be held: a backup refused its copy because this node does not own
 * the ID in the backup's ring ({@code 409 not_owner}, {@link #epoch} is that ring's epoch), or a
 * backup already holds a copy of another activation that comes later in the order of copies (this
 * node was paused or cut off past its session; {@link #epoch} is -1). The change is not
 * acknowledged and this activation stops.
 */
public final class StaleActivationException extends IllegalStateException {
  /** The epoch of the refusing backup's ring, or -1 when the copy was not refused but outranked. */
  public final long epoch;

  StaleActivationException(String message) {
    this(message, -1);
  }

  StaleActivationException(String message, long epoch) {
    super(message);
    this.epoch = epoch;
  }

  /** True when a backup refused the copy as not the owner's: certainly not kept there. */
  public boolean refused() {
    return epoch >= 0;
  }

  /** The first StaleActivationException in {@code t}'s chain of causes, or null. */
  public static StaleActivationException in(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StaleActivationException s) {
        return s;
      }
    }
    return null;
  }
}
