package dev.ringleader.registry;

/**
 * The outcome of trying to take a worker's global name.
 *
 * @param taken true when this node now holds the name
 * @param holder when not taken: who holds it (null if it vanished before it could be read)
 * @param version the name znode's version when taken (for the later conditional delete)
 */
public record Claim(boolean taken, GlobalName holder, int version) {
  public static Claim taken(int version) {
    return new Claim(true, null, version);
  }

  public static Claim heldBy(GlobalName holder) {
    return new Claim(false, holder, -1);
  }
}
