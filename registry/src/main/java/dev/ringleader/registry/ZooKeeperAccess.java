package dev.ringleader.registry;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * Who may write a cluster's znodes: ZooKeeper digest ACLs derived from the cluster secret.
 *
 * <p>{@link #fromSecret} derives a digest credential, user {@value #USER} with password
 * {@code Base64(HMAC-SHA256(secret, "ringleader-zookeeper-acl-v1"))}, so the secret itself never
 * goes to ZooKeeper. {@link #applyTo} makes a Curator client authenticate with it and give every
 * znode it creates the ACL {@code world:anyone} READ plus that digest id ALL. That covers the
 * members, leader, ring and registry znodes and the parents and containers Curator creates on the
 * way ({@code creatingParentsIfNeeded}, {@code createContainers}, a namespace): only nodes that know
 * the secret can create, change or delete them, or change their ACL.
 *
 * <p>READ stays open so that an operator can inspect a cluster with {@code zkCli} without the secret
 * ({@code ls}, {@code get}, watches; {@code getAcl} shows the digest id without its hash, as
 * {@code ringleader:x}). Nothing stored there is secret: node URLs, the ring, which node hosts which
 * worker.
 *
 * <p>Limits:
 * <ul>
 *   <li>ZooKeeper never changes the ACL of an existing znode: znodes created before ACLs were on
 *       (or with another secret) keep their old ACL, usually {@code world:anyone} ALL, and stay
 *       writable by anyone. Ephemeral ones go with their sessions; for the persistent ones ({@code
 *       ring}, the containers, the cluster root and {@code /ringleader}) stop the cluster and
 *       {@code deleteall /ringleader/<cluster>} (the leader writes a new ring), or {@code setAcl -R}
 *       them to {@link #acl()}. A new secret is the same case.
 *   <li>Parents are protected too, including the shared {@code /ringleader}: a second cluster with
 *       another secret cannot create its root under it. Clusters with different secrets on one
 *       ensemble need {@code /ringleader} created beforehand without ACLs (e.g. {@code create
 *       /ringleader} in {@code zkCli}).
 *   <li>The password goes to ZooKeeper in clear unless the connection uses TLS: whoever can read the
 *       traffic can write the znodes (but learns nothing of the secret).
 *   <li>The digest id is computed on the client with ZooKeeper's default digest (SHA1, or the
 *       {@code zookeeper.DigestAuthenticationProvider.digestAlg} system property): it must match the
 *       server's.
 * </ul>
 *
 * <p>{@link #open()} is the variant for an ensemble where ACLs are not wanted: it changes nothing,
 * znodes are created world-writable as before.
 */
public final class ZooKeeperAccess {
  /** The digest user every node authenticates as. */
  public static final String USER = "ringleader";
  /** The shortest cluster secret accepted, in bytes. */
  public static final int MIN_SECRET_BYTES = 16;
  private static final String DERIVATION = "ringleader-zookeeper-acl-v1";
  private static final ZooKeeperAccess OPEN =
      new ZooKeeperAccess(null, Collections.unmodifiableList(new ArrayList<>(ZooDefs.Ids.OPEN_ACL_UNSAFE)));

  /** {@code ringleader:<password>}; null when open. */
  private final String credential;
  private final List<ACL> acl;

  private ZooKeeperAccess(String credential, List<ACL> acl) {
    this.credential = credential;
    this.acl = acl;
  }

  /**
   * The access of a cluster whose nodes share {@code secret} (the {@code cluster-secret} setting).
   * The same secret always gives the same credential; the secret is not kept.
   *
   * @throws IllegalArgumentException if {@code secret} is null or shorter than {@value
   *     #MIN_SECRET_BYTES} bytes
   */
  public static ZooKeeperAccess fromSecret(byte[] secret) {
    if (secret == null || secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("cluster-secret must be at least " + MIN_SECRET_BYTES
          + " bytes, was " + (secret == null ? "missing" : secret.length + " bytes"));
    }
    String password;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      password = Base64.getEncoder().encodeToString(mac.doFinal(DERIVATION.getBytes(UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
    String credential = USER + ":" + password;
    String digest;
    try {
      digest = DigestAuthenticationProvider.generateDigest(credential);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("ZooKeeper's digest algorithm is not available", e);
    }
    // Not List.of: ZooKeeper checks acl.contains(null), which List.of answers with an NPE.
    List<ACL> acl = Collections.unmodifiableList(new ArrayList<>(Arrays.asList(
        new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE),
        new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)))));
    return new ZooKeeperAccess(credential, acl);
  }

  /** No ACLs: {@link #applyTo} does nothing and znodes stay world-writable. */
  public static ZooKeeperAccess open() {
    return OPEN;
  }

  /**
   * Makes the client built by {@code builder} authenticate with the cluster's credential and create
   * every znode with {@link #acl()}. Replaces any authorization and ACL provider set on {@code
   * builder} before. Does nothing when {@link #open()}.
   */
  public void applyTo(CuratorFrameworkFactory.Builder builder) {
    Objects.requireNonNull(builder, "builder");
    if (credential == null) {
      return;
    }
    builder.authorization("digest", credential.getBytes(UTF_8));
    builder.aclProvider(new ACLProvider() {
      @Override
      public List<ACL> getDefaultAcl() {
        return acl;
      }

      @Override
      public List<ACL> getAclForPath(String path) {
        return acl;
      }
    });
  }

  /**
   * The ACL znodes get: {@code world:anyone} READ and {@code digest:ringleader:<digest>} ALL, or
   * {@link ZooDefs.Ids#OPEN_ACL_UNSAFE} when {@link #open()}. A copy: changing it changes nothing here.
   */
  public List<ACL> acl() {
    List<ACL> copy = new ArrayList<>();
    for (ACL a : acl) {
      copy.add(new ACL(a.getPerms(), new Id(a.getId().getScheme(), a.getId().getId())));
    }
    return copy;
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return credential == null ? "ZooKeeperAccess[open]" : "ZooKeeperAccess[digest " + USER + "]";
  }
}
