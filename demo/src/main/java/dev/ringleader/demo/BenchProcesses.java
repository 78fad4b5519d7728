package dev.ringleader.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every process the bench starts (ZooKeeper, nodes, baseline, wrk, load), so that all of them are
 * stopped by PID at the end: by {@link #stopAll()} in the normal flow and by a shutdown hook when
 * the bench fails or is interrupted. Never touches a process it did not start.
 */
final class BenchProcesses {
  private static final List<Process> STARTED = new ArrayList<>();
  /** Stopped after all others: ZooKeeper, which nodes need while they leave. */
  private static final List<Process> LAST = new ArrayList<>();
  private static boolean hooked;

  private BenchProcesses() {}

  /** Starts {@code command} with stdout and stderr appended to {@code log}. */
  static Process start(List<String> command, Path log) throws IOException {
    return start(command, log, false);
  }

  /** As {@link #start(List, Path)}; {@code last} processes are stopped after every other one. */
  static synchronized Process start(List<String> command, Path log, boolean last) throws IOException {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(new Thread(BenchProcesses::stopAll, "bench-stop"));
      hooked = true;
    }
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    STARTED.removeIf(q -> !q.isAlive());
    (last ? LAST : STARTED).add(p);
    return p;
  }

  /**
   * SIGTERM to every live process the bench started (ZooKeeper last, once the nodes have left), then
   * SIGKILL to any still alive 20 s after its SIGTERM.
   */
  static void stopAll() {
    List<Process> first;
    List<Process> last;
    synchronized (BenchProcesses.class) {
      first = new ArrayList<>(STARTED);
      last = new ArrayList<>(LAST);
      STARTED.clear();
      LAST.clear();
    }
    stop(first);
    stop(last);
  }

  private static void stop(List<Process> processes) {
    List<Process> live = new ArrayList<>(processes);
    live.removeIf(p -> !p.isAlive());
    for (Process p : live) {
      p.destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (Process p : live) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
          System.err.println("bench: pid " + p.pid() + " did not exit 20 s after SIGTERM; sending SIGKILL");
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
