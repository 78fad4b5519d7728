package dev.ringleader.registry;

/**
 * The outcome of trying to take a worker's global name.
 *
 * @param taken true when this node now holds the name
 * @param holder when not taken: who holds it (null if it vanished before it could be read)
 * @param version when taken: the name znode's version (ZooKeeper naming), or the session generation
 *     the claim was taken in ({@code --names ring}: a claim from a replaced session is void)
 */
public record Claim(boolean taken, GlobalName holder, int version) {
  public static Claim taken(int version) {
    return new Claim(true, null, version);
  }

  public static Claim heldBy(GlobalName holder) {
    return new Claim(false, holder, -1);
  }
}
