package dev.ringleader.supervisor.internal.coordinator;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's place in the leader election: a Curator {@link LeaderLatch} under {@code leader/}
 * whose participant id is the node name. The latch is first come, first served, so the
 * longest-running node leads; when it goes, the next oldest does.
 *
 * <p>The latch keeps the default connection-state policy: the leader gives up at SUSPENDED, before
 * another can take over, so two leaders never overlap through ZooKeeper; a leader paused by GC can
 * still believe it leads, which is why every ring write is fenced ({@link #fencePath()}).
 */
public final class Leadership implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  private final LeaderLatch latch;
  private final String node;
  private final Runnable onChange;
  /** The leader's node name as last read; refreshed on every latch event. */
  private final AtomicReference<String> leader = new AtomicReference<>();

  public Leadership(CuratorFramework client, String path, String node, Runnable onChange) {
    this.node = node;
    this.onChange = onChange;
    this.latch = new LeaderLatch(client, path, node, LeaderLatch.CloseMode.NOTIFY_LEADER);
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        log.info("node {} is now the leader", node);
        leader.set(node);
        onChange.run();
      }

      @Override
      public void notLeader() {
        log.info("node {} is no longer the leader", node);
        leader.compareAndSet(node, null);
        onChange.run();
      }
    });
  }

  public void start() throws Exception {
    latch.start();
  }

  public boolean isLeader() {
    return latch.hasLeadership();
  }

  /** The latch znode to check in the fencing transaction, or null when not leading. */
  String fencePath() {
    return latch.hasLeadership() ? latch.getLastPathIsLeader() : null;
  }

  /** The leader's name as last read by {@link #leader()} or seen by this node's latch; may be stale or null. */
  public String lastKnownLeader() {
    return latch.hasLeadership() ? node : leader.get();
  }

  /** The current leader's name, read from ZooKeeper (blocking; not for the request path). */
  public String leader() {
    if (latch.hasLeadership()) {
      return node;
    }
    try {
      Participant p = latch.getLeader();
      String id = p.isLeader() ? p.getId() : null;
      leader.set(id);
      return id;
    } catch (Exception e) {
      return leader.get();
    }
  }

  @Override
  public void close() throws IOException {
    latch.close();
  }
}
