package dev.ringleader.registry;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code --names ring} (docs/names.md): each node's ephemeral {@code released/<node>}, holding
 * as decimal text the newest ring epoch {@code E} such that the node had stopped every worker the
 * ring of epoch {@code E} gives to another node when it wrote it (and it never starts one it does not
 * own in its current ring). A node activates an ID only once every other member released at least
 * the epoch from which it has owned the ID without a break. One write per node per ring change, none
 * per activation; the znode goes with the node's session, as its member znode does.
 *
 * <p>Life cycle: {@link #start} once, after the member znode exists (so a predecessor's znode of the
 * same name, which went with its session, is not taken over); {@link #close} once. The view of the
 * others comes from a {@link CuratorCache}: it lags ZooKeeper by a notification, which only makes a
 * node wait longer (an epoch only grows).
 */
public final class ReleasedEpochs implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ReleasedEpochs.class);
  /** What a node that wrote nothing (or something unreadable) has released: nothing. */
  public static final long NONE = -1;

  private final CuratorFramework client;
  private final ClusterPaths paths;
  private final String self;
  private final CuratorCache cache;
  private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Map<String, Long> view = Map.of();
  /** Guarded by {@code this}. */
  private PersistentNode node;
  private long published = NONE;

  public ReleasedEpochs(CuratorFramework client, ClusterPaths paths, String self) {
    this.client = client;
    this.paths = paths;
    this.self = self;
    this.cache = CuratorCache.build(client, paths.released());
  }

  /** Writes {@link #NONE} for this node and starts watching the others; waits for both, bounded. */
  public void start() throws Exception {
    client.createContainers(paths.released());
    cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, oldData, data) -> {
      view = readCache();
      repairOwn();
      listeners.forEach(Runnable::run);
    }).build());
    cache.start();
    PersistentNode created = new PersistentNode(client, CreateMode.EPHEMERAL, false, paths.released(self),
        bytes(NONE));
    created.start();
    if (!created.waitForInitialCreate(client.getZookeeperClient().getConnectionTimeoutMs(), TimeUnit.MILLISECONDS)) {
      created.close();
      throw new IllegalStateException("could not create " + paths.released(self) + " in time");
    }
    synchronized (this) {
      node = created; // only now: a write before the initial create would throw
    }
  }

  /**
   * Writes this node's epoch again when ZooKeeper holds an older one than was published: a write
   * retried after a connection loss may land after a newer one (Curator retries in the background).
   */
  private synchronized void repairOwn() {
    Long seen = view.get(self);
    if (node != null && seen != null && seen < published) {
      try {
        node.setData(bytes(published));
      } catch (Exception e) {
        log.debug("writing {} again: {}", paths.released(self), e.toString());
      }
    }
  }

  /** True once this node's znode was created ({@link #start} returned). */
  public synchronized boolean started() {
    return node != null;
  }

  /** The nodes that have a released znode, as this node last saw them. */
  public java.util.Set<String> nodes() {
    return view.keySet();
  }

  /**
   * This node has let go of every worker the ring of {@code epoch} gives away: written unless a
   * newer epoch was. Asynchronous; with the session lost meanwhile, the znode comes back with it.
   * False (nothing written) before {@link #start} or after {@link #close}; a write that throws is
   * not counted as written (the caller tries again).
   */
  public synchronized boolean publish(long epoch) throws Exception {
    if (node == null) {
      return false;
    }
    if (epoch > published) {
      node.setData(bytes(epoch));
      published = epoch;
    }
    return true;
  }

  /** The newest epoch this node has written ({@link #NONE} before its first). */
  public synchronized long published() {
    return published;
  }

  /** The epoch {@code node} released as this node last saw it; {@link #NONE} when it wrote none. */
  public long of(String node) {
    return view.getOrDefault(node, NONE);
  }

  /** Called (on a Curator thread) after any node's znode is created, changed or deleted. */
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  private Map<String, Long> readCache() {
    Map<String, Long> out = new java.util.HashMap<>();
    String prefix = paths.released() + "/";
    cache.stream().filter(d -> d.getPath().startsWith(prefix))
        .forEach(d -> out.put(d.getPath().substring(prefix.length()), parse(d)));
    return Map.copyOf(out);
  }

  private static long parse(ChildData d) {
    try {
      return d.getData() == null ? NONE : Long.parseLong(new String(d.getData(), StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      log.warn("ignoring the unreadable released epoch in {}", d.getPath());
      return NONE;
    }
  }

  private static byte[] bytes(long epoch) {
    return Long.toString(epoch).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    PersistentNode closing;
    synchronized (this) {
      closing = node;
      node = null;
    }
    try {
      if (closing != null) {
        closing.close(); // outside the lock: it deletes the znode synchronously
      }
    } catch (Exception e) {
      log.debug("closing {}", paths.released(self), e);
    }
    cache.close();
  }
}
