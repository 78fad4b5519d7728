package dev.ringleader.supervisor.internal.activation;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer names of this node's activations: the name a worker's changes count under in
 * mergeable states ({@code WorkerContext.writer()}). Two lineages never share a writer.
 *
 * <p>Locks: none; the counters are atomic.
 */
final class WriterNames {
  /** This process's part of every writer name: the node and when the process started. */
  private final String writerBase;
  /**
   * Bumped whenever an activation of this node is detached, so that no later activation here
   * writes under a detached one's writer name: two lineages never share a writer.
   */
  private final AtomicLong writerGeneration = new AtomicLong();
  private final AtomicLong provisionalWriters = new AtomicLong();

  WriterNames(String node) {
    this.writerBase = node + "/" + Long.toString(System.currentTimeMillis(), 36);
  }

  /** The writer name of a (named) activation that starts now. */
  String writer() {
    long g = writerGeneration.get();
    return g == 0 ? writerBase : writerBase + "." + g;
  }

  /**
   * A writer name no other activation ever uses: a provisional worker may start from an older copy
   * than one this node's named activations wrote, so sharing their name would let a per-writer
   * maximum hide its changes.
   */
  String provisionalWriter() {
    return writerBase + ".p" + provisionalWriters.incrementAndGet();
  }

  /** An activation of this node was detached: later activations here write under a new name. */
  void detached() {
    writerGeneration.incrementAndGet();
  }
}
