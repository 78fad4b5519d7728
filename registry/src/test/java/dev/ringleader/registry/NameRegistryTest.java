package dev.ringleader.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link NameRegistry} on a real ZooKeeper: leftover watchers and names whose claim had no answer. */
class NameRegistryTest {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  private TestingServer server;
  private CuratorFramework client;
  private CuratorFramework other;
  private ScheduledExecutorService timer;
  private ExecutorService executor;
  private final ClusterPaths paths = ClusterPaths.of("names" + ProcessHandle.current().pid() + "x"
      + CLUSTERS.incrementAndGet());

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    client = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
        .sessionTimeoutMs(20_000).connectionTimeoutMs(1_000).retryPolicy(new RetryOneTime(100)).build();
    client.start();
    assertTrue(client.blockUntilConnected(10, TimeUnit.SECONDS));
    other = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    other.start();
    assertTrue(other.blockUntilConnected(10, TimeUnit.SECONDS));
    timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-timer"));
    executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-executor"));
  }

  @AfterEach
  void stop() throws Exception {
    other.close();
    client.close();
    server.close();
    timer.shutdownNow();
    executor.shutdownNow();
  }

  private NameRegistry registry(CuratorFramework c) {
    return new NameRegistry(c, paths, timer, executor);
  }

  /**
   * Issue 15: claims that arrive together go in batches (one {@code multi} each); a batch with a name
   * another session holds fails as a whole, and each of its claims is then made alone, so each still
   * gets its own answer: taken, or held by the other session, never both and never lost.
   */
  @Test
  void claimsThatArriveTogetherGoInBatchesAndEachGetsItsOwnAnswer() throws Exception {
    NameRegistry theirs = registry(other);
    for (int i = 0; i < 1_000; i += 100) {
      assertTrue(theirs.claim("t", "id" + i, new GlobalName("other", i, 1, 1)).toCompletableFuture()
          .get(5, TimeUnit.SECONDS).taken());
    }
    NameRegistry mine = registry(client);
    List<java.util.concurrent.CompletableFuture<Claim>> claims = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      claims.add(mine.claim("t", "id" + i, new GlobalName("mine", i, 1, 1)).toCompletableFuture());
    }
    for (int i = 0; i < 1_000; i++) {
      Claim c = claims.get(i).get(30, TimeUnit.SECONDS);
      GlobalName held = mine.get("t", "id" + i).orElseThrow();
      if (i % 100 == 0) {
        assertFalse(c.taken(), "id" + i + " is the other session's");
        assertEquals(new GlobalName("other", i, 1, 1), c.holder());
        assertEquals("other", held.node());
      } else {
        assertTrue(c.taken(), "id" + i + ": " + c);
        assertEquals(new GlobalName("mine", i, 1, 1), held, "id" + i + " holds this claim's value");
      }
    }
    long[] multis = mine.multis();
    assertTrue(multis[0] > 0, "some claims went together in one multi");
    assertTrue(multis[1] > 0, "a batch with a held name failed whole and its claims went alone");
    assertEquals(1_000, mine.list("t").size());

    // Names nobody holds, in buckets that exist now: batches that succeed, each name created once.
    claims.clear();
    for (int i = 0; i < 1_000; i++) {
      claims.add(mine.claim("t", "jd" + i, new GlobalName("mine", 5_000 + i, 1, 1)).toCompletableFuture());
    }
    for (int i = 0; i < 1_000; i++) {
      assertTrue(claims.get(i).get(30, TimeUnit.SECONDS).taken(), "jd" + i);
      assertEquals(new GlobalName("mine", 5_000 + i, 1, 1), mine.get("t", "jd" + i).orElseThrow());
    }
    long[] after = mine.multis();
    assertTrue(after[0] - after[1] > multis[0] - multis[1], "some batches created their names in one multi: "
        + java.util.Arrays.toString(after));
    assertEquals(2_000, mine.list("t").size());

    // Releases of all of them at once: their deletes go in batches too; the other session's names stay.
    List<java.util.concurrent.CompletableFuture<Void>> releases = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      releases.add(mine.release("t", "id" + i, i).toCompletableFuture());
      releases.add(mine.release("t", "jd" + i, 5_000 + i).toCompletableFuture());
    }
    for (var r : releases) {
      r.get(30, TimeUnit.SECONDS);
    }
    assertEquals(10, mine.list("t").size(), "only the other session's 10 names are left");
    long[] deletes = mine.deleteMultis();
    assertTrue(deletes[0] - deletes[1] > 0, "some deletes went together in one multi: " + java.util.Arrays.toString(deletes));
  }

  @Test
  void timedOutWaitsLeaveNoWatcherBehind() throws Exception {
    NameRegistry mine = registry(client);
    assertTrue(registry(other).claim("t", "held", new GlobalName("other", 1, 1, 1)).toCompletableFuture()
        .get(5, TimeUnit.SECONDS).taken());
    for (int i = 0; i < 5; i++) {
      assertFalse(mine.awaitAbsent("t", "held", Duration.ofMillis(50)).toCompletableFuture().get(5, TimeUnit.SECONDS));
    }
    // An absent name answers at once; its exists-watch must not linger either.
    assertTrue(mine.awaitAbsent("t", "absent", Duration.ofSeconds(5)).toCompletableFuture().get(5, TimeUnit.SECONDS));
    ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
    // Curator itself watches /zookeeper/config; only the registry's paths count.
    Conditions.until("no watcher left under " + paths.root(), () -> watches(zk).stream().noneMatch(p -> p.startsWith(paths.root())));
  }

  @Test
  void continuationsOfAWaitRunOnTheGivenExecutor() throws Exception {
    NameRegistry mine = registry(client);
    assertTrue(registry(other).claim("t", "held", new GlobalName("other", 1, 1, 1)).toCompletableFuture()
        .get(5, TimeUnit.SECONDS).taken());
    String timedOut = mine.awaitAbsent("t", "held", Duration.ofMillis(50))
        .thenApply(gone -> Thread.currentThread().getName()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals("test-executor", timedOut);
  }

  /**
   * A claim whose create reached the server but whose answer was lost: the name exists, held by this
   * session for an incarnation that nobody uses (the claim failed for its caller). Simulated by
   * creating the name in this session, then claiming with the same value while the server is down:
   * the claim fails with connection loss, an outcome it cannot know. Once the connection is back the
   * registry releases the name by itself, without anyone asking for the key.
   */
  @Test
  void aNameWhoseClaimHadNoAnswerIsReleasedOnceReconnected() throws Exception {
    NameRegistry mine = registry(client);
    GlobalName orphan = new GlobalName("me", 42, 1, 1);
    GlobalName live = new GlobalName("me", 43, 1, 1);
    String orphanPath = paths.name("t", "orphan");
    client.create().creatingParentContainersIfNeeded().withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
        .forPath(orphanPath, RegistryJson.write(orphan));
    assertTrue(mine.claim("t", "live", live).toCompletableFuture().get(5, TimeUnit.SECONDS).taken());
    List<ConnectionState> states = new java.util.concurrent.CopyOnWriteArrayList<>();
    client.getConnectionStateListenable().addListener((c, s) -> states.add(s));

    server.stop();
    Conditions.until("suspended", () -> states.contains(ConnectionState.SUSPENDED));
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> mine.claim("t", "orphan", orphan).toCompletableFuture().get(30, TimeUnit.SECONDS));
    server.restart();
    Conditions.until("reconnected", () -> states.contains(ConnectionState.RECONNECTED));

    Conditions.until("the orphaned name is released", () -> exists(orphanPath) == null);
    assertEquals(Optional.of(live), mine.get("t", "live"), "a name in use stays: " + failed.getCause());
  }

  private Object exists(String path) {
    try {
      return other.checkExists().forPath(path);
    } catch (Exception e) {
      return e;
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> watches(ZooKeeper zk) {
    List<String> out = new ArrayList<>();
    try {
      for (String name : List.of("getDataWatches", "getExistWatches", "getChildWatches")) {
        Method m = ZooKeeper.class.getDeclaredMethod(name);
        m.setAccessible(true);
        out.addAll((List<String>) m.invoke(zk));
      }
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    return out;
  }

}
