package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.faults.TcpProxy;
import dev.ringleader.registry.ClusterPaths;
import dev.ringleader.registry.RingSpec;
import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.RingWrite;
import dev.ringleader.supervisor.internal.coordinator.RingWaiter;
import dev.ringleader.supervisor.internal.node.Timeouts;
import dev.ringleader.supervisor.internal.peer.PeerNetwork;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What follows a timeout, a delay or a ring wait runs on the node's own executor: never on the JDK's
 * shared {@code CompletableFutureDelayScheduler} thread, the common pool, or a ZooKeeper thread. The
 * router's retries, the replication's retries and every timed-out call between nodes go through
 * these helpers.
 */
class ContinuationThreadsTest {
  private ScheduledExecutorService timer;
  private ExecutorService executor;
  private Timeouts timeouts;

  @BeforeEach
  void start() {
    timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-timer"));
    executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-async"));
    timeouts = new Timeouts(timer, executor);
  }

  @AfterEach
  void stop() {
    timer.shutdownNow();
    executor.shutdownNow();
  }

  private static String thread() {
    return Thread.currentThread().getName();
  }

  @Test
  void aTimeoutsContinuationRunsOnTheExecutor() throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    String where = timeouts.orTimeout(never, Duration.ofMillis(20)).handle((v, e) -> thread()).get(5, TimeUnit.SECONDS);
    assertEquals("test-async", where);
    assertTrue(never.isCompletedExceptionally(), "the future itself times out, as orTimeout does");

    String fallback = timeouts.completeOnTimeout(new CompletableFuture<String>(), "late", Duration.ofMillis(20))
        .thenApply(v -> v + " on " + thread()).get(5, TimeUnit.SECONDS);
    assertEquals("late on test-async", fallback);

    assertEquals("test-async", timeouts.after(Duration.ofMillis(20)).thenApply(v -> thread()).get(5, TimeUnit.SECONDS));
  }

  @Test
  void anAnswerInTimeIsNotTimedOut() throws Exception {
    CompletableFuture<String> f = new CompletableFuture<>();
    CompletableFuture<String> guarded = timeouts.orTimeout(f, Duration.ofMillis(200));
    f.complete("ok");
    assertEquals("ok", guarded.get(1, TimeUnit.SECONDS));
  }

  /** The ring waiter: on timeout and when a ring arrives (on Curator's thread), the wait continues on the executor. */
  @Test
  void aRingWaitContinuesOnTheExecutor() throws Exception {
    try (TestingServer zk = new TestingServer(true);
        CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100))) {
      client.start();
      ClusterPaths paths = ClusterPaths.of("threads" + ProcessHandle.current().pid());
      client.create().creatingParentContainersIfNeeded().forPath(paths.leader());
      RingStore ring = new RingStore(client, paths);
      ring.start();
      RingWaiter waiter = new RingWaiter(ring, timeouts);

      assertEquals("test-async", waiter.atLeast(5, Duration.ofMillis(50)).thenApply(r -> thread())
          .get(5, TimeUnit.SECONDS), "timed out");

      CompletableFuture<String> arrival = waiter.atLeast(1, Duration.ofSeconds(10)).thenApply(r -> thread());
      assertEquals(RingWrite.OK, ring.write(RingSpec.of(1, 8, "a"), -1, paths.leader()));
      assertEquals("test-async", arrival.get(5, TimeUnit.SECONDS), "a ring arrived");
      ring.close();
    }
  }

  /** A call to a silent peer (a black hole) times out, and what follows runs on the executor. */
  @Test
  void aTimedOutCallToAPeerContinuesOnTheExecutor() throws Exception {
    byte[] secret = TestCluster.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (PeerNetwork target = new PeerNetwork("target", secret, 1);
        PeerNetwork caller = new PeerNetwork("caller", secret, 1)) {
      int port = target.start("127.0.0.1", 0, null, (r, from, deadline) -> new CompletableFuture<>(), timeouts);
      caller.start("127.0.0.1", 0, null, (r, from, deadline) -> new CompletableFuture<>(), timeouts);
      try (TcpProxy hole = new TcpProxy(port)) {
        hole.cut();
        String where = caller.client().send(hole.address(), PeerRequest.of(PeerOp.PROBE, null), Duration.ofMillis(100))
            .handle((r, e) -> e != null ? thread() : "answered").get(5, TimeUnit.SECONDS);
        assertEquals("test-async", where);
      }
    }
  }
}
