package dev.ringleader.supervisor.internal.session;

import dev.ringleader.supervisor.internal.node.EventLog;
import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that this process was frozen (a long GC pause, SIGSTOP, a suspended VM) and makes the node
 * refuse its own IDs until ZooKeeper confirms its session is still the same live one. A frozen node
 * cannot tell how long it was gone; its session may have expired and another node may serve its IDs.
 *
 * <p>A daemon thread ticks every {@link #TICK}; a tick that comes late by more than
 * {@code threshold} means the process was frozen. The request path does not wait for that thread:
 * {@link #suspect()} also reports a tick that is overdue right now, so the first request after a
 * freeze is refused even before the thread runs again. Confirmation is a ZooKeeper {@code sync} and
 * two {@code checkExists} on the same session id, and this node's ring at least as new as the ring
 * znode (after a session lost in the freeze, the ring is re-read before the node serves again).
 */
public final class PauseDetector implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(PauseDetector.class);
  static final Duration TICK = Duration.ofMillis(100);

  private final CuratorFramework client;
  private final String path;
  /** The ring znode, and the version of it this node has read: confirmed only once that is current. */
  private final String ringPath;
  private final java.util.function.IntSupplier ringVersion;
  private final long thresholdNanos;
  private final EventLog events;
  private final String node;
  private final AtomicBoolean suspect = new AtomicBoolean();
  private volatile long lastTick = System.nanoTime();
  private volatile boolean closed;
  private final Thread thread;

  public PauseDetector(CuratorFramework client, String path, String ringPath, java.util.function.IntSupplier ringVersion,
      Duration sessionTimeout, EventLog events, String node) {
    this.client = client;
    this.path = path;
    this.ringPath = ringPath;
    this.ringVersion = ringVersion;
    this.thresholdNanos = sessionTimeout.multipliedBy(2).dividedBy(3).toNanos(); // where Curator suspends too
    this.events = events;
    this.node = node;
    this.thread = new Thread(this::run, node + "-pause-detector");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** True while the node may have been frozen and ZooKeeper has not confirmed its session yet. */
  boolean suspect() {
    return suspect.get() || System.nanoTime() - lastTick > thresholdNanos;
  }

  private void run() {
    while (!closed) {
      try {
        Thread.sleep(TICK.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      long gap = now - lastTick;
      if (gap > thresholdNanos && suspect.compareAndSet(false, true)) {
        events.add("pause", node + " was frozen for about " + gap / 1_000_000 + " ms; checking its session");
        confirm();
      }
      lastTick = now;
      if (suspect.get()) {
        confirm();
      }
    }
  }

  private void confirm() {
    try {
      long session = client.getZookeeperClient().getZooKeeper().getSessionId();
      client.sync().forPath(path);
      org.apache.zookeeper.data.Stat ring = client.checkExists().forPath(ringPath);
      // The session may be a new one (the old expired during the freeze): serving again also needs
      // the ring this node routes by to be the current one, or it would serve IDs it no longer owns.
      if (client.checkExists().forPath(path) != null
          && client.getZookeeperClient().getZooKeeper().getSessionId() == session
          && client.getZookeeperClient().isConnected()
          && (ring == null || ringVersion.getAsInt() >= ring.getVersion())) {
        if (suspect.compareAndSet(true, false)) {
          log.info("node {}: ZooKeeper confirmed the session after a freeze; serving again", node);
        }
      }
    } catch (Exception e) {
      log.debug("node {}: session not confirmed yet: {}", node, e.toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
