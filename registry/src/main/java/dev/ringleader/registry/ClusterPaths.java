package dev.ringleader.registry;

/**
 * The znode layout of one cluster, rooted at {@code /ringleader/<cluster>}.
 *
 * <pre>
 * members/&lt;node&gt;                   ephemeral  {@link Member}
 * leader/                          Curator LeaderLatch participants (id = node name)
 * ring                             persistent {@link RingSpec}, written only by the leader
 * registry/&lt;type&gt;/&lt;bucket&gt;/&lt;id&gt;    ephemeral  {@link GlobalName}; bucket keeps directories listable
 * sessions/&lt;node&gt;                  ephemeral  {@link SessionTickets}: the node's session, its password sealed
 * released/&lt;node&gt;                  ephemeral  {@link ReleasedEpochs}: with {@code --names ring}, the ring epoch
 *                                  whose non-owned workers the node has all stopped
 * </pre>
 */
public record ClusterPaths(String cluster, String root) {

  public static ClusterPaths of(String cluster) {
    return new ClusterPaths(cluster, "/ringleader/" + cluster);
  }

  public String members() {
    return root + "/members";
  }

  public String member(String node) {
    return members() + "/" + node;
  }

  public String leader() {
    return root + "/leader";
  }

  public String ring() {
    return root + "/ring";
  }

  public String sessions() {
    return root + "/sessions";
  }

  /** The znode holding the sealed ticket of the node's ZooKeeper session. */
  public String session(String node) {
    return sessions() + "/" + node;
  }

  public String released() {
    return root + "/released";
  }

  /** The znode holding the ring epoch up to which {@code node} let go of the workers the ring moved away. */
  public String released(String node) {
    return released() + "/" + node;
  }

  public String registry() {
    return root + "/registry";
  }

  public String registryType(String type) {
    return registry() + "/" + type;
  }

  /** The znode holding the global name of worker {@code type/id}. */
  public String name(String type, String id) {
    return registryType(type) + "/" + bucket(type, id) + "/" + id;
  }

  /** Two hex digits taken from the top byte of the ring hash, so buckets spread evenly. */
  public static String bucket(String type, String id) {
    int b = (int) (RingHash.hash(type, id) >>> 56) & 0xff;
    return Character.toString(Character.forDigit(b >> 4, 16)) + Character.forDigit(b & 0xf, 16);
  }
}
