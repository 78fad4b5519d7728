package dev.ringleader.registry;

import java.io.Closeable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ring} znode: a live, read-only view for every node, and the leader's fenced write.
 *
 * <p>ZooKeeper does not stop a deposed leader from writing: a leader paused in GC may still believe
 * it leads. So every write is a transaction that checks the writer's own LeaderLatch znode still
 * exists and that the ring's version is the one it read. A stale leader's write fails with
 * {@link RingWrite#NOT_LEADER} or {@link RingWrite#BAD_VERSION} and the ring is unchanged.
 */
public final class RingStore implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(RingStore.class);

  private final CuratorFramework client;
  private final ClusterPaths paths;
  private final CuratorCache cache;
  private final AtomicReference<VersionedRing> current = new AtomicReference<>(VersionedRing.ABSENT);
  private final CopyOnWriteArrayList<Consumer<VersionedRing>> listeners = new CopyOnWriteArrayList<>();

  public RingStore(CuratorFramework client, ClusterPaths paths) {
    this.client = client;
    this.paths = paths;
    this.cache = CuratorCache.build(client, paths.ring(), CuratorCache.Options.SINGLE_NODE_CACHE);
  }

  public void start() {
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forCreatesAndChanges((oldData, data) -> update(data))
        .forDeletes(data -> log.warn("ring znode {} was deleted", paths.ring()))
        .build());
    cache.start();
  }

  private void update(ChildData data) {
    VersionedRing next;
    try {
      next = new VersionedRing(Ring.of(RegistryJson.read(data.getData(), RingSpec.class)),
          data.getStat().getVersion());
    } catch (RuntimeException e) {
      log.error("unreadable ring znode {}: {}", paths.ring(), e.getMessage());
      return;
    }
    VersionedRing prev = current.getAndUpdate(p -> p.epoch() > next.epoch() ? p : next);
    if (prev.epoch() >= next.epoch() && prev.version() >= next.version()) {
      return;
    }
    for (Consumer<VersionedRing> l : listeners) {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        log.warn("ring listener failed", e);
      }
    }
  }

  /** The newest ring this node has seen. Never null; {@link VersionedRing#ABSENT} before any. */
  public VersionedRing current() {
    return current.get();
  }

  /** Called on a Curator thread with each newer ring. */
  public void addListener(Consumer<VersionedRing> listener) {
    listeners.add(listener);
  }

  /** Reads the ring znode directly from ZooKeeper (the leader does, before deciding). */
  public VersionedRing read() throws Exception {
    org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
    try {
      byte[] bytes = client.getData().storingStatIn(stat).forPath(paths.ring());
      return new VersionedRing(Ring.of(RegistryJson.read(bytes, RingSpec.class)), stat.getVersion());
    } catch (KeeperException.NoNodeException e) {
      return VersionedRing.ABSENT;
    }
  }

  /**
   * Writes {@code next} if the ring znode still has {@code expectedVersion} (-1: does not exist) and
   * {@code fencePath} (the writer's LeaderLatch znode) still exists.
   */
  public RingWrite write(RingSpec next, int expectedVersion, String fencePath) throws Exception {
    if (fencePath == null) {
      return RingWrite.NOT_LEADER;
    }
    byte[] bytes = RegistryJson.write(next);
    CuratorOp fence = client.transactionOp().check().forPath(fencePath);
    CuratorOp write = expectedVersion < 0
        ? client.transactionOp().create().forPath(paths.ring(), bytes)
        : client.transactionOp().setData().withVersion(expectedVersion).forPath(paths.ring(), bytes);
    try {
      client.transaction().forOperations(List.of(fence, write));
      return RingWrite.OK;
    } catch (KeeperException.NoNodeException e) {
      // Either our latch znode is gone, or the ring znode vanished; the fence failure is the usual one.
      return client.checkExists().forPath(fencePath) == null ? RingWrite.NOT_LEADER : RingWrite.BAD_VERSION;
    } catch (KeeperException.BadVersionException e) {
      return RingWrite.BAD_VERSION;
    } catch (KeeperException.NodeExistsException e) {
      return RingWrite.ALREADY_EXISTS;
    }
  }

  @Override
  public void close() {
    cache.close();
  }
}
