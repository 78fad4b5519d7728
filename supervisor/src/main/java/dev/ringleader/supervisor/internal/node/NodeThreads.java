package dev.ringleader.supervisor.internal.node;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one node, all daemons named after it; {@link #shutdownNow} stops them all at once.
 */
public final class NodeThreads {
  /** Runs worker handlers (setting worker-threads). */
  public final ExecutorService workerPool;
  /** The ring coordinator's single thread. */
  public final ExecutorService coordinatorThread;
  /**
   * The node's timer thread. A cancelled timer leaves its queue at once (each worker's idle and
   * lifetime timers are cancelled when it stops: kept to their deadline, a few thousand activations a
   * second would leave hundreds of thousands of dead entries in the queue).
   */
  public final ScheduledExecutorService timers;
  /**
   * What follows a timeout, a delay or a ring wait: never the JDK's delay thread, the common pool or
   * a ZooKeeper or timer thread. Short, non-blocking continuations (a retry, a forward, a tell).
   */
  public final ExecutorService continuations;
  /** Re-replication passes, one at a time. */
  public final ExecutorService rebalancerThread;
  /** Reads the store a chunk at a time for re-replication and joiner pushes, and makes their batches. */
  public final ExecutorService walkerThread;
  /** The crash detector's probes and the session ends it decides (docs/failover.md). */
  public final ScheduledExecutorService crashDetectorThread;

  public NodeThreads(String id, int workerThreads) {
    workerPool = Executors.newFixedThreadPool(workerThreads, threads(id + "-worker"));
    coordinatorThread = Executors.newSingleThreadExecutor(threads(id + "-coordinator"));
    var timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, threads(id + "-timer"));
    timer.setRemoveOnCancelPolicy(true);
    timers = timer;
    continuations = Executors.newFixedThreadPool(2, threads(id + "-async"));
    rebalancerThread = Executors.newSingleThreadExecutor(threads(id + "-rebalancer"));
    walkerThread = Executors.newSingleThreadExecutor(threads(id + "-store-walker"));
    crashDetectorThread = Executors.newSingleThreadScheduledExecutor(threads(id + "-crash-detector"));
  }

  /**
   * Interrupts the worker threads and waits up to {@code grace} for them to end; a handler that
   * ignores the interrupt is left running (logged).
   */
  public void stopWorkers(java.time.Duration grace) {
    workerPool.shutdownNow();
    try {
      if (!workerPool.awaitTermination(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        org.slf4j.LoggerFactory.getLogger(NodeThreads.class).warn("worker threads still run handlers {} ms after "
            + "they were interrupted; the session ends anyway", grace.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void shutdownNow() {
    for (ExecutorService e : new ExecutorService[] {workerPool, coordinatorThread, timers, rebalancerThread,
        walkerThread, continuations, crashDetectorThread}) {
      e.shutdownNow();
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
