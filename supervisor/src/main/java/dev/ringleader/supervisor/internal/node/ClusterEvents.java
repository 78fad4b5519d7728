package dev.ringleader.supervisor.internal.node;

import dev.ringleader.supervisor.ClusterListener;
import java.io.Closeable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers ring, leadership and membership changes to the {@link ClusterListener}s a node was built
 * with: on one thread of its own (never a ZooKeeper or coordinator thread), in order. Bounded: at
 * most {@link #QUEUE} events wait; past that an event is dropped and logged (a listener that blocks
 * must not stall the node). No thread is started when there are no listeners.
 */
public final class ClusterEvents implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ClusterEvents.class);
  static final int QUEUE = 1024;

  private final List<ClusterListener> listeners;
  private final ThreadPoolExecutor thread;

  public ClusterEvents(String node, List<ClusterListener> listeners) {
    this.listeners = List.copyOf(listeners);
    this.thread = listeners.isEmpty() ? null : new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(QUEUE), r -> {
          Thread t = new Thread(r, node + "-listeners");
          t.setDaemon(true);
          return t;
        });
  }

  public void ring(long epoch, Set<String> nodes) {
    publish("ring", l -> l.ringChanged(epoch, Set.copyOf(nodes)));
  }

  public void leadership(boolean leads) {
    publish("leadership", l -> l.leadershipChanged(leads));
  }

  public void members(Map<String, String> members) {
    publish("members", l -> l.membersChanged(Map.copyOf(members)));
  }

  private void publish(String what, Consumer<ClusterListener> event) {
    if (thread == null) {
      return;
    }
    try {
      thread.execute(() -> {
        for (ClusterListener l : listeners) {
          try {
            event.accept(l);
          } catch (RuntimeException e) {
            log.warn("cluster listener {} failed on a {} event", l, what, e);
          }
        }
      });
    } catch (RejectedExecutionException e) {
      log.warn("{} {} events wait for the cluster listeners; this {} event is dropped", QUEUE, what, what);
    }
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
    }
  }
}
