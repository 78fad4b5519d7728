package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.registry.ClusterPaths;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.ReleasedEpochs;
import dev.ringleader.registry.RingStore;
import java.io.Closeable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code --names ring} (docs/names.md, scenarios 6 and 9): whether this node's cached views —
 * the ring, the members, the released epochs — have caught up with ZooKeeper since its connection
 * (re)opened, and its own member and released znodes exist in its current session. Until they have,
 * it takes no name: a cache re-synced after a reconnect may miss a member or a ring written
 * meanwhile, and the others did not wait for a node that was no member.
 *
 * <p>How: after each connection, on a thread of its own, it reads the members' and released znodes'
 * names and the ring straight from ZooKeeper, then checks that the caches hold at least those and
 * that ring; if not yet, it reads again 20 ms later, doubling up to 1 s (only while connected; a
 * member that went meanwhile is no longer read).
 */
final class CaughtUpView implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(CaughtUpView.class);
  static final long RETRY_MS = 20;
  static final long MAX_RETRY_MS = 1_000;

  private final String self;
  private final CuratorFramework client;
  private final ClusterPaths paths;
  private final RingStore ring;
  private final Membership membership;
  private final ReleasedEpochs released;
  private final Runnable onCaughtUp;
  private final ScheduledExecutorService reader;
  private final ConnectionStateListener listener = (c, state) -> onConnection(state);
  /** Incremented on every (re)connection; 0 before the first. */
  private volatile long connection;
  private volatile long session;
  /** The connection in which the views were found caught up (guarded by {@code this} with {@link #checking}). */
  private volatile long caughtUpIn = -1;
  private boolean checking;

  CaughtUpView(String self, CuratorFramework client, ClusterPaths paths, RingStore ring, Membership membership,
      ReleasedEpochs released, Runnable onCaughtUp) {
    this.self = self;
    this.client = client;
    this.paths = paths;
    this.ring = ring;
    this.membership = membership;
    this.released = released;
    this.onCaughtUp = onCaughtUp;
    this.reader = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, self + "-names-view");
      t.setDaemon(true);
      return t;
    });
    client.getConnectionStateListenable().addListener(listener);
    if (client.getZookeeperClient().isConnected()) {
      onConnection(ConnectionState.CONNECTED);
    }
  }

  private void onConnection(ConnectionState state) {
    if (state == ConnectionState.LOST || state == ConnectionState.SUSPENDED) {
      session = 0;
    } else if (state.isConnected()) {
      readSession();
      synchronized (this) {
        connection++;
      }
      caughtUp(); // starts the check now, not at the next claim: waiters are woken when it passes
    }
  }

  /** Reads the current session's id; 0 when the client cannot tell (read again at the next check). */
  private synchronized void readSession() {
    long id;
    try {
      id = client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      id = 0;
    }
    session = id;
    if (id != 0 && id != lastSession) {
      if (lastSession != 0) {
        generation.incrementAndGet();
      }
      lastSession = id;
    }
  }

  /** The last non-zero session id seen, to count new sessions. */
  private volatile long lastSession;
  /** Incremented on every new ZooKeeper session: a claim is good only in the session it was taken in. */
  private final java.util.concurrent.atomic.AtomicInteger generation = new java.util.concurrent.atomic.AtomicInteger();

  /** The current ZooKeeper session's id, 0 while there is none. */
  long session() {
    return session;
  }

  /** How many times the session changed; a claim records it and is good only while it stays. */
  int generation() {
    return generation.get();
  }

  /** True when the views caught up in this connection; otherwise starts the check and answers false. */
  boolean caughtUp() {
    long now = connection;
    if (session == 0 && now != 0 && client.getZookeeperClient().isConnected()) {
      readSession(); // a read that failed at the connection: try again
    }
    if (now != 0 && caughtUpIn == now && session != 0) {
      return true;
    }
    start(now);
    return false;
  }

  private void start(long in) {
    synchronized (this) {
      if (checking || in == 0 || reader.isShutdown()) {
        return;
      }
      checking = true;
    }
    try {
      reader.execute(() -> check(in, 0));
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      synchronized (this) {
        checking = false;
      }
    }
  }

  private void check(long in, int attempt) {
    boolean done = false;
    try {
      done = in == connection && session != 0 && views(session);
    } catch (Exception e) {
      log.debug("node {}: reading the cluster's views for ring naming: {}", self, e.toString());
    } catch (Error e) {
      synchronized (this) {
        checking = false;
      }
      throw e;
    }
    long current;
    boolean retry;
    synchronized (this) {
      current = connection;
      if (done) {
        caughtUpIn = in;
      }
      retry = !done && in == current && session != 0 && !reader.isShutdown();
      if (!retry) {
        checking = false;
      }
    }
    if (done) {
      onCaughtUp.run();
    } else if (retry) {
      long delay = Math.min(MAX_RETRY_MS, RETRY_MS << Math.min(attempt, 6)); // 20 ms, doubling, at most 1 s
      try {
        reader.schedule(() -> check(in, attempt + 1), delay, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        synchronized (this) {
          checking = false;
        }
      }
    } else if (in != current && session != 0) {
      start(current); // a newer connection came meanwhile: check for it
    }
  }

  /** True when the caches hold every member and released znode ZooKeeper lists now, and its ring. */
  private boolean views(long inSession) throws Exception {
    var own = membership.entry(self);
    if (own.isEmpty() || own.get().session() != inSession || !released.started()) {
      return false;
    }
    List<String> members = children(paths.members());
    List<String> releasedBy = children(paths.released());
    long epoch = ring.read().epoch();
    // Znode names, readable or not: an unreadable member znode must not hold this check back forever.
    return membership.znodeNames().containsAll(members) && released.nodes().containsAll(releasedBy)
        && ring.current().epoch() >= epoch;
  }

  private List<String> children(String path) throws Exception {
    try {
      return client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  @Override
  public void close() {
    client.getConnectionStateListenable().removeListener(listener);
    reader.shutdownNow();
  }
}
