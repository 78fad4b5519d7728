package dev.ringleader.demo;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * {@code zk-bench --zk 127.0.0.1:2181 [--names 20000] [--in-flight 256]}: ZooKeeper's own ceiling
 * for the global-name scheme of the registry (issue 15): pipelined asynchronous creates of ephemeral
 * znodes carrying a name's value, at most {@code in-flight} outstanding, then their release as the
 * registry does it (a read of the name, then a delete with its version); then the same through
 * {@code NameRegistry} itself (its claims batched into {@code multi}s). Prints names/s and the
 * p50/p99 of each operation. Uses its own root {@code /zk-bench-<pid>}, deleted at the end.
 */
final class ZkBenchCommand {
  private ZkBenchCommand() {}

  static int run(String[] args) throws Exception {
    Flags flags = new Flags(args);
    String zk = flags.get("zk", "127.0.0.1:2181");
    int names = flags.integer("names", 20_000);
    int inFlight = flags.integer("in-flight", 256);
    if (names < 1 || names > 1_000_000 || inFlight < 1 || inFlight > 10_000) {
      System.err.println("zk-bench: --names must be 1-1000000 and --in-flight 1-10000");
      return 2;
    }
    byte[] value = "{\"node\":\"node1\",\"incarnation\":1796181871843001,\"epoch\":12,\"since\":1796181871843}"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String root = "/zk-bench-" + ProcessHandle.current().pid();
    try (CuratorFramework c = CuratorFrameworkFactory.newClient(zk, 30_000, 5_000, new RetryOneTime(100))) {
      c.start();
      if (!c.blockUntilConnected(10, TimeUnit.SECONDS)) {
        System.err.println("zk-bench: cannot reach ZooKeeper at " + zk);
        return 1;
      }
      for (int b = 0; b < 256; b++) {
        c.create().creatingParentsIfNeeded().forPath(root + "/" + String.format("%02x", b));
      }
      long[] createNs = new long[names];
      long[] releaseNs = new long[names];
      double createS = phase(names, inFlight, (i, done) -> {
        long start = System.nanoTime();
        c.create().withMode(CreateMode.EPHEMERAL).inBackground((cl, e) -> {
          createNs[i] = System.nanoTime() - start;
          done.accept(e.getResultCode());
        }).forPath(path(root, i), value);
      });
      double releaseS = phase(names, inFlight, (i, done) -> {
        long start = System.nanoTime();
        c.getData().inBackground((cl, e) -> {
          if (e.getResultCode() != 0) {
            done.accept(e.getResultCode());
            return;
          }
          cl.delete().withVersion(e.getStat().getVersion()).inBackground((cl2, e2) -> {
            releaseNs[i] = System.nanoTime() - start;
            done.accept(e2.getResultCode());
          }).forPath(path(root, i));
        }).forPath(path(root, i));
      });
      c.delete().deletingChildrenIfNeeded().forPath(root);
      // The registry's own scheme (issue 15): NameRegistry.claim, which batches the claims that
      // arrive while others are in flight into one multi each, then NameRegistry.release.
      dev.ringleader.registry.ClusterPaths paths = dev.ringleader.registry.ClusterPaths.of("zk-bench-"
          + ProcessHandle.current().pid());
      var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      var registry = new dev.ringleader.registry.NameRegistry(c, paths, timer, Runnable::run);
      long[] claimNs = new long[names];
      long[] freeNs = new long[names];
      double claimS;
      double freeS;
      try {
        claimS = phase(names, inFlight, (i, done) -> {
          long start = System.nanoTime();
          registry.claim("bench", "n" + i, new dev.ringleader.registry.GlobalName("node1", i, 12, 1)).whenComplete(
              (claim, err) -> {
                claimNs[i] = System.nanoTime() - start;
                done.accept(err == null && claim.taken() ? 0 : -1);
              });
        });
        freeS = phase(names, inFlight, (i, done) -> {
          long start = System.nanoTime();
          registry.release("bench", "n" + i, i).whenComplete((v, err) -> {
            freeNs[i] = System.nanoTime() - start;
            done.accept(err == null ? 0 : -1);
          });
        });
      } finally {
        registry.close();
        timer.shutdownNow();
        c.delete().deletingChildrenIfNeeded().forPath(paths.root());
      }
      System.out.printf(Locale.ROOT, "zk-bench: %d names, at most %d in flight, ZooKeeper %s%n", names, inFlight, zk);
      System.out.printf(Locale.ROOT, "  claims   (create ephemeral):     %,8.0f/s  p50 %6.2f ms  p99 %6.2f ms%n",
          names / createS, pct(createNs, 50), pct(createNs, 99));
      System.out.printf(Locale.ROOT, "  releases (read, delete version): %,8.0f/s  p50 %6.2f ms  p99 %6.2f ms%n",
          names / releaseS, pct(releaseNs, 50), pct(releaseNs, 99));
      System.out.printf(Locale.ROOT, "  lifecycles (claim + release):    %,8.0f/s%n", names / (createS + releaseS));
      System.out.printf(Locale.ROOT, "  NameRegistry.claim (batched):    %,8.0f/s  p50 %6.2f ms  p99 %6.2f ms%n",
          names / claimS, pct(claimNs, 50), pct(claimNs, 99));
      System.out.printf(Locale.ROOT, "  NameRegistry.release:            %,8.0f/s  p50 %6.2f ms  p99 %6.2f ms%n",
          names / freeS, pct(freeNs, 50), pct(freeNs, 99));
    }
    return 0;
  }

  private static String path(String root, int i) {
    return root + "/" + String.format("%02x", i & 0xff) + "/n" + i;
  }

  interface Op {
    void start(int i, java.util.function.IntConsumer done) throws Exception;
  }

  /** Runs {@code op} for 0..n-1 with at most {@code inFlight} outstanding; returns the seconds it took. */
  private static double phase(int n, int inFlight, Op op) throws Exception {
    Semaphore permits = new Semaphore(inFlight);
    CountDownLatch all = new CountDownLatch(n);
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      permits.acquire();
      op.start(i, code -> {
        if (code != KeeperException.Code.OK.intValue()) {
          failed.incrementAndGet();
        }
        permits.release();
        all.countDown();
      });
    }
    if (!all.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("ZooKeeper did not answer " + all.getCount() + " operations within 120 s");
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " operations failed");
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static double pct(long[] ns, int p) {
    long[] sorted = ns.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
  }
}
