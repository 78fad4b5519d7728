package dev.ringleader.supervisor.internal.peer;

import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.node.Timeouts;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Requests to other nodes over their peer ports: one {@link PeerConnection} per peer address,
 * opened on first use and again after it closed, with many requests in flight on it. Nothing here
 * blocks a thread.
 *
 * <p>A request that fails because a connection that was open went away before any reply is sent
 * once more on a new connection: every request between nodes is safe to repeat (forwards carry an
 * idempotency key, copies a version). Bounds: one connection per peer address (addresses come from
 * the member znodes; the connection of a peer that left is closed after {@link #IDLE_MILLIS} unused),
 * and each connection's own bounds.
 */
public final class PeerClient implements AutoCloseable {
  /** The largest body of a call between nodes (a replica batch, a handoff, a merge). */
  public static final int INTERNAL_MAX_BYTES = 8 * 1024 * 1024;
  /**
   * The largest merge body: a detached worker's base, last state and changes (at most
   * detached-log-limit messages of at most max-body-bytes each; Settings refuses a product above 64 MiB).
   */
  public static final int MERGE_MAX_BYTES = 64 * 1024 * 1024 + 64 * 1024;
  /** A connection with nothing in flight for this long is closed (before the server's idle limit). */
  static final long IDLE_MILLIS = 60_000;
  /** How long opening a TCP connection may take (each request also has its own timeout). */
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final String self;
  private final PeerAuth auth;
  private final EventLoopGroup group;
  private final InetSocketAddress bindAddress;
  private final Timeouts timeouts;
  private final Map<String, PeerConnection> connections = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** With {@code bindAddress} null, the OS chooses the local address of each connection. */
  PeerClient(String self, PeerAuth auth, EventLoopGroup group, InetAddress bindAddress, Timeouts timeouts) {
    this.self = self;
    this.auth = auth;
    this.group = group;
    this.bindAddress = bindAddress == null ? null : new InetSocketAddress(bindAddress, 0);
    this.timeouts = timeouts;
    group.scheduleAtFixedRate(this::closeIdle, IDLE_MILLIS, IDLE_MILLIS / 4, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * Sends one request to the node whose peer port is {@code address} ({@code host:port}). Fails with
   * {@link PeerUnreachableException} when it cannot be reached or does not answer within {@code timeout}
   * ({@link PeerUnreachableException#silent()} tells which).
   */
  public CompletableFuture<PeerResponse> send(String address, PeerRequest request, Duration timeout) {
    if (address == null) {
      return CompletableFuture.failedFuture(new PeerUnreachableException("the node has no peer address", null));
    }
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    PeerConnection first = connection(address);
    boolean wasOpen = first.ready.isDone();
    CompletableFuture<PeerResponse> out = first.send(request, deadline).exceptionallyCompose(e -> {
      Throwable cause = ErrorResponses.unwrap(e);
      if (wasOpen && cause instanceof PeerUnreachableException u && !u.silent() && !closed
          && System.nanoTime() - deadline < 0) {
        return connection(address).send(request, deadline); // the kept connection had gone away
      }
      return CompletableFuture.failedFuture(cause);
    });
    return timeouts.orTimeout(out, timeout).exceptionallyCompose(e -> {
      Throwable cause = ErrorResponses.unwrap(e);
      if (cause instanceof TimeoutException) {
        PeerConnection c = connections.get(address);
        if (c != null) {
          c.timedOut(start);
        }
        return CompletableFuture.failedFuture(new PeerUnreachableException(
            address + " did not answer " + request.op() + " within " + timeout.toMillis() + " ms", cause));
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  /** The open (or opening) connection to {@code address}; a new one when there is none or it closed. */
  private PeerConnection connection(String address) {
    PeerConnection c = connections.get(address);
    if (c != null && c.usable()) {
      return c;
    }
    PeerConnection fresh = new PeerConnection(address, self, auth);
    PeerConnection won = c == null ? connections.putIfAbsent(address, fresh)
        : (connections.replace(address, c, fresh) ? null : connections.get(address));
    if (won != null && won.usable()) {
      return won;
    }
    if (won != null) {
      connections.put(address, fresh);
    }
    if (closed) {
      fresh.close();
    } else {
      fresh.open(group, bindAddress, CONNECT_TIMEOUT_MILLIS);
    }
    return fresh;
  }

  private void closeIdle() {
    long now = System.nanoTime();
    connections.forEach((address, c) -> {
      if (c.inFlight() == 0 && now - c.lastUsed > IDLE_MILLIS * 1_000_000L && connections.remove(address, c)) {
        c.close();
      }
    });
  }

  /** How many peer connections are open or opening (for tests and metrics). */
  public int connections() {
    return connections.size();
  }

  @Override
  public void close() {
    closed = true;
    connections.values().forEach(PeerConnection::close);
    connections.clear();
  }
}
