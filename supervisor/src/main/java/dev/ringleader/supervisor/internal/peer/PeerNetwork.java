package dev.ringleader.supervisor.internal.peer;

import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import dev.ringleader.supervisor.internal.node.Timeouts;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.Closeable;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This node's side of the peer channel: the Netty event loops, the listener on the peer port and the
 * client of the other nodes' peer ports, all keyed to one cluster secret. Life cycle LATENT → STARTED
 * → CLOSED: {@link #start} binds the port (failing start-up when it is taken), {@link #close} closes
 * every connection and stops the threads.
 */
public final class PeerNetwork implements Closeable {
  private enum State { LATENT, STARTED, CLOSED }

  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final String self;
  /** This process's start time (its member znode's {@code startedAt}), the answer to {@link PeerOp#IDENTIFY}. */
  private final long incarnation;
  private final PeerAuth auth;
  private final EventLoopGroup group;
  private final PeerServer.RefusalLog refusals;
  private PeerServer server;
  private PeerClient client;
  private int port;

  /**
   * {@code threads} event loops serve both the listener and the outgoing connections; two suffice
   * for a node (the work of a request runs on the worker threads, not here).
   */
  public PeerNetwork(String self, byte[] secret, int threads) {
    this(self, System.currentTimeMillis(), secret, threads);
  }

  /** As {@link #PeerNetwork(String, byte[], int)}, answering {@link PeerOp#IDENTIFY} with {@code incarnation}. */
  public PeerNetwork(String self, long incarnation, byte[] secret, int threads) {
    this.self = self;
    this.incarnation = incarnation;
    this.auth = new PeerAuth(secret);
    this.refusals = new PeerServer.RefusalLog(self);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory named = r -> {
      Thread t = new Thread(r, self + "-peer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.group = new NioEventLoopGroup(threads, named);
  }

  /** Binds {@code host:port} (port 0: the OS chooses) and makes the client; returns the bound port. */
  public int start(String host, int port, InetAddress bindAddress, PeerHandler handler, Timeouts timeouts) {
    return start(host, port, bindAddress, () -> handler, timeouts);
  }

  /**
   * As {@link #start(String, int, InetAddress, PeerHandler, Timeouts)}, with the handler known only
   * later: until {@code handler} gives one, requests are answered 503 and not applied.
   */
  public int start(String host, int port, InetAddress bindAddress, java.util.function.Supplier<PeerHandler> handler,
      Timeouts timeouts) {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("peer network of " + self + " already started");
    }
    CompletableFuture<Answer> identity = CompletableFuture.completedFuture(
        Answer.ok(java.util.Map.of("node", self, "incarnation", incarnation)));
    PeerHandler answering = (request, from, deadlineNanos) -> {
      if (request.op() == PeerOp.IDENTIFY) {
        return identity; // before the node is wired too: a restarted process says so at once
      }
      PeerHandler h = handler.get();
      return h != null ? h.handle(request, from, deadlineNanos) : CompletableFuture.completedFuture(
          ErrorResponses.of(CallError.NOT_SERVING, "this node is starting; retry shortly"));
    };
    server = new PeerServer(self, auth, answering, refusals);
    this.port = server.bind(group, host, port);
    client = new PeerClient(self, auth, group, bindAddress, timeouts);
    return this.port;
  }

  public PeerClient client() {
    return client;
  }

  public int port() {
    return port;
  }

  /** Connections closed because they broke the protocol or did not prove the secret. */
  public long refusedConnections() {
    return refusals.count();
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
