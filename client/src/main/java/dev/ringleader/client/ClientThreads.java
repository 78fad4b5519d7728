package dev.ringleader.client;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/** The client's own threads besides its IO threads: one timer thread and its callback threads, all daemons. */
final class ClientThreads {
  private ClientThreads() {}

  /** The timer thread: back-offs, attempt timeouts and the ring refresh. */
  static ScheduledExecutorService timer() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemons("ringleader-client-timer"));
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /** The threads that complete callers' stages, never an IO thread. */
  static ExecutorService callbacks() {
    return Executors.newFixedThreadPool(2, daemons("ringleader-client-callback"));
  }

  private static ThreadFactory daemons(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
