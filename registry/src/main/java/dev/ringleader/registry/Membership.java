package dev.ringleader.registry;

import java.io.Closeable;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's ephemeral {@code members/<node>} znode, and a live view of every member.
 *
 * <p>Life cycle LATENT → STARTED → CLOSED; starting twice is an error. The own znode is a Curator
 * {@link PersistentNode}: if the session is lost it is created again on the new session. The view of
 * all members comes from a {@link CuratorCache}, so it lags ZooKeeper by one watch notification;
 * ZooKeeper guarantees the order of those notifications, not their timing.
 */
public final class Membership implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Membership.class);

  private enum State { LATENT, STARTED, CLOSED }

  private final CuratorFramework client;
  private final ClusterPaths paths;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final CuratorCache cache;
  /** The last value written for this node; guarded by {@code this}. */
  private Member self;
  private PersistentNode node;
  /** Every member as last seen in the cache; replaced whole on each change, read lock-free. */
  private volatile Map<String, Member> view = Map.of();

  public Membership(CuratorFramework client, ClusterPaths paths, Member self) {
    this.client = client;
    this.paths = paths;
    this.self = self;
    this.cache = CuratorCache.build(client, paths.members());
  }

  /**
   * Registers this node. If a znode with this node's name is still there (a previous process of the
   * same name whose session has not expired yet), waits up to {@code waitForPrevious} for it to go.
   *
   * @throws DuplicateMemberException if it is still there after the wait
   */
  public void start(Duration waitForPrevious) throws Exception {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("Membership already started");
    }
    client.createContainers(paths.members());
    awaitAbsence(paths.member(self.node()), waitForPrevious);
    CountDownLatch initialized = new CountDownLatch(1);
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, oldData, data) -> {
          view = readCache();
          notifyListeners();
        })
        .forInitialized(initialized::countDown)
        .build());
    cache.start();
    synchronized (this) {
      node = new PersistentNode(client, CreateMode.EPHEMERAL, false, paths.member(self.node()),
          RegistryJson.write(self));
      node.start();
    }
    if (!node.waitForInitialCreate(client.getZookeeperClient().getConnectionTimeoutMs(),
        TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("could not create " + paths.member(self.node()) + " in time");
    }
    initialized.await(client.getZookeeperClient().getConnectionTimeoutMs(), TimeUnit.MILLISECONDS);
    view = readCache();
    log.info("member {} registered as {} at {}", self.node(), self.status().json(), self.url());
  }

  /**
   * The members ZooKeeper lists now, read once without registering (a node's checks before it
   * joins); an entry that went meanwhile or does not read as a member is left out.
   */
  public static Map<String, Member> read(CuratorFramework client, ClusterPaths paths) throws Exception {
    Map<String, Member> out = new TreeMap<>();
    if (client.checkExists().forPath(paths.members()) == null) {
      return out;
    }
    for (String child : client.getChildren().forPath(paths.members())) {
      try {
        read(client, paths, child).ifPresent(e -> out.put(e.member().node(), e.member())); // absent: left meanwhile
      } catch (RuntimeException unreadable) {
        log.warn("skipping the unreadable member entry {}", paths.member(child));
      }
    }
    return out;
  }

  private void awaitAbsence(String path, Duration wait) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    Stat stat = client.checkExists().forPath(path);
    if (stat != null) {
      log.info("{} still exists (session 0x{} of a previous process); waiting up to {} ms for it to expire",
          path, Long.toHexString(stat.getEphemeralOwner()), wait.toMillis());
    }
    while (stat != null) {
      CountDownLatch gone = new CountDownLatch(1);
      stat = client.checkExists().usingWatcher((org.apache.zookeeper.Watcher) e -> gone.countDown())
          .forPath(path);
      if (stat == null) {
        break;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || !gone.await(left, TimeUnit.NANOSECONDS)) {
        throw new DuplicateMemberException("a member named '" + self.node()
            + "' is already registered in cluster '" + paths.cluster()
            + "' (another live process with the same --id?)");
      }
      stat = client.checkExists().forPath(path);
    }
  }

  /** Changes this node's status in its member znode. */
  public synchronized void setStatus(MemberStatus status) throws Exception {
    self = self.withStatus(status);
    node.setData(RegistryJson.write(self));
    log.info("member {} is now {}", self.node(), status.json());
  }

  public synchronized Member self() {
    return self;
  }

  /** Every member ZooKeeper currently lists, by node name (sorted); a cached, immutable view. */
  public Map<String, Member> members() {
    return view;
  }

  /** A member znode as the cache holds it: its value and the session that holds it. */
  public record Entry(Member member, long session) {}

  /** {@code node}'s member znode read from ZooKeeper now (no cache needed); empty when there is none. */
  public static Optional<Entry> read(CuratorFramework client, ClusterPaths paths, String node) throws Exception {
    Stat stat = new Stat();
    try {
      byte[] data = client.getData().storingStatIn(stat).forPath(paths.member(node));
      return Optional.of(new Entry(RegistryJson.read(data, Member.class), stat.getEphemeralOwner()));
    } catch (org.apache.zookeeper.KeeperException.NoNodeException gone) {
      return Optional.empty();
    }
  }

  /**
   * {@code node}'s member znode and the ZooKeeper session that holds it, read together from the cache
   * (empty when there is none): what the crash detector judges and which session it may end
   * (docs/failover.md). {@link #members()} may lag the cache by a notification; this does not.
   */
  public Optional<Entry> entry(String node) {
    return cache.get(paths.member(node)).flatMap(d -> d.getStat() == null ? Optional.empty()
        : parse(d).map(m -> new Entry(m, d.getStat().getEphemeralOwner())));
  }

  /**
   * The names of every member znode the cache holds, readable or not (a znode that does not read as
   * a member is left out of {@link #members()}, but a node of that name may still be one).
   */
  public java.util.Set<String> znodeNames() {
    String prefix = paths.members() + "/";
    java.util.Set<String> out = new java.util.HashSet<>();
    cache.stream().filter(d -> d.getPath().startsWith(prefix)).forEach(d -> out.add(d.getPath().substring(prefix.length())));
    return out;
  }

  private Map<String, Member> readCache() {
    Map<String, Member> out = new TreeMap<>();
    cache.stream()
        .filter(d -> d.getPath().startsWith(paths.members() + "/"))
        .forEach(d -> parse(d).ifPresent(m -> out.put(m.node(), m)));
    return java.util.Collections.unmodifiableMap(out);
  }

  private static Optional<Member> parse(ChildData data) {
    try {
      return Optional.of(RegistryJson.read(data.getData(), Member.class));
    } catch (RuntimeException e) {
      log.warn("ignoring unreadable member znode {}", data.getPath());
      return Optional.empty();
    }
  }

  /** Called (on a Curator thread) after any member znode is created, changed or deleted. */
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  private void notifyListeners() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        log.warn("membership listener failed", e);
      }
    }
  }

  /** Removes this node's znode (the others see it leave at once) and stops watching. */
  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) != State.STARTED) {
      return;
    }
    try {
      synchronized (this) {
        if (node != null) {
          node.close();
        }
      }
    } catch (Exception e) {
      log.debug("closing member znode", e);
    }
    cache.close();
  }
}
