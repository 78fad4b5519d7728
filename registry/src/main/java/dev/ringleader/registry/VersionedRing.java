package dev.ringleader.registry;

/**
 * The ring as read from its znode, with the znode's version for the next version-checked write.
 *
 * @param ring the ring computed from the znode's {@link RingSpec}
 * @param version the znode's data version, or -1 when the znode does not exist yet
 */
public record VersionedRing(Ring ring, int version) {
  public static final VersionedRing ABSENT = new VersionedRing(Ring.empty(), -1);

  public long epoch() {
    return ring.epoch();
  }
}
