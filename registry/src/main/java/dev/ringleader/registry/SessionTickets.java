package dev.ringleader.registry;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each node's session ticket, so that another node can end a crashed node's ZooKeeper session at
 * once instead of waiting out its timeout (docs/failover.md).
 *
 * <p>A ticket is the ephemeral znode {@code sessions/<node>} of the node's current session, holding
 * the session id and its password sealed with AES-256-GCM under a key derived from the cluster
 * secret ({@code HMAC-SHA256(secret, "ringleader-session-ticket-v1")}; the node name and session id
 * are the associated data). Whoever can read ZooKeeper sees that a ticket exists, not the password;
 * a node that knows the secret can open the session and close it, which deletes every ephemeral znode
 * of that session in one step (member, leader-latch entry, global names, the ticket): exactly what
 * its expiry would do, only now. ZooKeeper moves a session to the newest connection that presents its
 * password, so a process that is in fact alive loses its session as on an expiry (and handles it so).
 *
 * <p>The own ticket is written once the member znode exists and again on every new session (Curator
 * reconnects after a loss with a new session). A ticket written under an older session of this node
 * went with that session. Life cycle: {@link #publish} after registration, {@link #close} stops.
 */
public final class SessionTickets implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(SessionTickets.class);
  private static final String DERIVATION = "ringleader-session-ticket-v1";
  private static final int NONCE = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CuratorFramework client;
  private final ClusterPaths paths;
  private final String node;
  private final SecretKeySpec key;
  private final ConnectionStateListener republish = (c, state) -> {
    if (state.isConnected()) {
      publishQuietly();
    }
  };
  /** The session id whose ticket this node last wrote; guarded by {@code this}. */
  private long published;
  private volatile boolean closed;

  /** A ticket read from ZooKeeper: a member's session id and password. */
  public record Ticket(String node, long sessionId, byte[] password) {}

  public SessionTickets(CuratorFramework client, ClusterPaths paths, String node, byte[] clusterSecret) {
    this.client = client;
    this.paths = paths;
    this.node = node;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(clusterSecret, "HmacSHA256"));
      this.key = new SecretKeySpec(mac.doFinal(DERIVATION.getBytes(UTF_8)), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * Writes this node's ticket for its current session, and again (on {@code executor}, never on
   * Curator's event thread) after every new session.
   */
  public void publish(java.util.concurrent.Executor executor) throws Exception {
    client.getConnectionStateListenable().addListener(republish, executor);
    write();
  }

  private void publishQuietly() {
    try {
      write();
    } catch (Exception e) {
      log.warn("node {} could not write its session ticket (another node cannot end its session early if "
          + "it crashes now; its session timeout still applies): {}", node, e.toString());
    }
  }

  private synchronized void write() throws Exception {
    if (closed) {
      return;
    }
    ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
    long session = zk.getSessionId();
    if (session == 0 || session == published) {
      return;
    }
    byte[] data = seal(node, session, zk.getSessionPasswd());
    String path = paths.session(node);
    try {
      client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
    } catch (KeeperException.NodeExistsException e) {
      Stat stat = client.checkExists().forPath(path);
      if (stat == null || stat.getEphemeralOwner() != session) {
        // Another session's ticket (this node's previous process, whose member znode went first,
        // or a ticket of an older session of this process about to go): write ours when it is gone.
        throw new IllegalStateException(path + " belongs to session 0x" + Long.toHexString(
            stat == null ? 0 : stat.getEphemeralOwner()) + ", not this node's 0x" + Long.toHexString(session));
      }
      client.setData().forPath(path, data);
    }
    published = session;
  }

  /**
   * The ticket of {@code member}'s current session, only if that session is {@code sessionId} (the
   * ephemeral owner of the member znode the caller judged); empty when there is none, it belongs to
   * another session, or it does not open with this cluster's secret.
   */
  public Optional<Ticket> read(String member, long sessionId) throws Exception {
    Stat stat = new Stat();
    byte[] data;
    try {
      data = client.getData().storingStatIn(stat).forPath(paths.session(member));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
    if (stat.getEphemeralOwner() != sessionId) {
      return Optional.empty();
    }
    byte[] password = open(member, sessionId, data);
    return password == null ? Optional.empty() : Optional.of(new Ticket(member, sessionId, password));
  }

  /** What {@link #end} found. */
  public enum Ended {
    /** ZooKeeper took the close: the session and its ephemerals are gone now. */
    ENDED,
    /** The session had already ended (expired, or closed by its owner or another judge). */
    ALREADY_ENDED,
    /** ZooKeeper did not answer in time: nothing is known; try again on the next evidence. */
    UNREACHED
  }

  /**
   * Ends the ticket's session: connects to {@code connectString} with its id and password and
   * closes it, so ZooKeeper deletes its ephemeral znodes now.
   */
  public static Ended end(String connectString, Ticket ticket, Duration timeout) throws InterruptedException {
    CountDownLatch answered = new CountDownLatch(1);
    Ended[] outcome = {Ended.UNREACHED};
    Watcher watcher = event -> {
      if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
        outcome[0] = Ended.ENDED;
        answered.countDown();
      } else if (event.getState() == Watcher.Event.KeeperState.Expired) {
        outcome[0] = Ended.ALREADY_ENDED;
        answered.countDown();
      }
    };
    ZooKeeper zk;
    try {
      zk = new ZooKeeper(connectString, (int) Math.max(timeout.toMillis(), 1000), watcher, ticket.sessionId(),
          ticket.password());
    } catch (java.io.IOException e) {
      return Ended.UNREACHED;
    }
    try {
      return answered.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? outcome[0] : Ended.UNREACHED;
    } finally {
      zk.close(); // closeSession when connected: the session and its ephemerals end here
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    client.getConnectionStateListenable().removeListener(republish);
  }

  byte[] seal(String member, long session, byte[] password) throws GeneralSecurityException {
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    c.updateAAD(aad(member, session));
    byte[] sealed = c.doFinal(password);
    return ByteBuffer.allocate(1 + NONCE + sealed.length).put((byte) 1).put(nonce).put(sealed).array();
  }

  /** The password in {@code data}, or null when it is not a ticket of this member and session under this secret. */
  byte[] open(String member, long session, byte[] data) {
    if (data == null || data.length < 1 + NONCE + 16 || data[0] != 1) {
      return null;
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, data, 1, NONCE));
      c.updateAAD(aad(member, session));
      return c.doFinal(data, 1 + NONCE, data.length - 1 - NONCE);
    } catch (GeneralSecurityException e) {
      log.warn("the session ticket of {} does not open with this cluster's secret; ignored", member);
      return null;
    }
  }

  private static byte[] aad(String member, long session) {
    byte[] name = member.getBytes(UTF_8);
    return ByteBuffer.allocate(name.length + 8).put(name).putLong(session).array();
  }
}
