package dev.ringleader.supervisor.internal.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One long-lived, authenticated connection to one peer, with many requests in flight: each request
 * gets an id, its reply is matched by that id, and writes are coalesced ({@link Flusher}).
 *
 * <p>Life: {@link #ready} completes once the handshake proved the peer holds the cluster secret;
 * when the connection closes (or never opens) every request in flight fails with a
 * {@link PeerUnreachableException} (not silent: the peer refused or went away) and {@link PeerClient}
 * opens a new connection for the next request.
 *
 * <p>Bounds: at most {@link #MAX_IN_FLIGHT} requests in flight (one more fails at once), and nothing
 * is written while the write buffer is above its high mark (the request fails at once): a peer that
 * does not read cannot make this node buffer without end.
 */
final class PeerConnection {
  static final int MAX_IN_FLIGHT = 16_384;

  final String address;
  private final String self;
  private final PeerAuth auth;
  final CompletableFuture<Channel> ready = new CompletableFuture<>();
  private final Map<Long, CompletableFuture<PeerResponse>> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile Channel channel;
  private volatile Flusher out;
  /** When this connection last received anything (System.nanoTime), to tell a silent peer. */
  private volatile long lastRead = System.nanoTime();
  volatile long lastUsed = System.nanoTime();
  /** The latest deadline of any request sent on this connection (nanoTime). */
  private final AtomicLong latestDeadline = new AtomicLong(System.nanoTime());
  /** Found silent: no new request goes on it; it closes once the deadlines of those on it passed. */
  private volatile boolean retired;

  PeerConnection(String address, String self, PeerAuth auth) {
    this.address = address;
    this.self = self;
    this.auth = auth;
  }

  /** Opens the connection and starts the handshake; {@link #ready} tells how it went. */
  void open(EventLoopGroup group, InetSocketAddress bindAddress, int connectTimeoutMillis) {
    InetSocketAddress remote = parse(address);
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, PeerServer.MARKS)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast("frames", new LengthFieldBasedFrameDecoder(PeerFrames.MAX_FRAME, 0, 4, 0, 4))
                .addLast("peer", new Handler());
          }
        });
    ChannelFuture f = bindAddress == null ? b.connect(remote) : b.connect(remote, bindAddress);
    f.addListener(done -> {
      if (!done.isSuccess()) {
        fail(new PeerUnreachableException("cannot connect to " + address + ": " + done.cause().getMessage(),
            done.cause()));
      }
    });
  }

  /** {@code host:port} (an IPv6 host in brackets) as a socket address; a literal host is not looked up. */
  static InetSocketAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1)));
  }

  boolean usable() {
    return !retired && !ready.isCompletedExceptionally() && (channel == null || channel.isActive());
  }

  /** Sends on the authenticated channel; the future completes with the reply or a failure. */
  CompletableFuture<PeerResponse> send(PeerRequest request, long deadlineNanos) {
    lastUsed = System.nanoTime();
    CompletableFuture<PeerResponse> reply = new CompletableFuture<>();
    if (inFlight.size() >= MAX_IN_FLIGHT) {
      reply.completeExceptionally(new PeerUnreachableException("more than " + MAX_IN_FLIGHT
          + " requests in flight to " + address, null));
      return reply;
    }
    long id = ids.incrementAndGet();
    latestDeadline.accumulateAndGet(deadlineNanos, (a, b) -> b - a > 0 ? b : a);
    inFlight.put(id, reply);
    reply.whenComplete((r, e) -> inFlight.remove(id));
    ready.whenComplete((ch, e) -> {
      if (e != null) {
        reply.completeExceptionally(e);
        return;
      }
      if (!ch.isActive()) {
        // Closed after this request was registered (the close failed the others already): fail it
        // at once, not at its timeout; the client sends it again on a new connection.
        reply.completeExceptionally(closedFailure());
        return;
      }
      if (!ch.isWritable()) {
        reply.completeExceptionally(new PeerUnreachableException("the connection to " + address
            + " has more than " + PeerServer.MARKS.high() + " bytes waiting to be written", null));
        return;
      }
      long remaining = Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
      ByteBuf frame = PeerFrames.request(ch.alloc(), id, request, (int) Math.min(Integer.MAX_VALUE, remaining),
          PeerAuth.monotonicMillis());
      out.write(frame);
    });
    return reply;
  }

  /**
   * A request timed out: when nothing at all came back since it was sent, the peer is silent (a
   * partition, a frozen process, a half-open connection). The connection is retired: later requests
   * open a new one, and it closes once the deadline of every request on it has passed. Those requests
   * are not failed early: a frame held by the network may still arrive in time and be applied, so a
   * sender may give up on a request (and act as if it failed: a provisional worker, a rolled-back
   * commit) only once its own deadline has passed (docs/peer-channel.md, scenario 7).
   */
  void timedOut(long sentNanos) {
    Channel c = channel;
    if (lastRead - sentNanos < 0 && c != null && !retired) {
      retired = true;
      closeAfterDeadlines(c);
    }
  }

  /** Closes {@code c} once the latest deadline of a request on it has passed (a late sender moves it on). */
  private void closeAfterDeadlines(Channel c) {
    long wait = latestDeadline.get() - System.nanoTime();
    if (wait <= 0) {
      c.close();
      return;
    }
    c.eventLoop().schedule(() -> closeAfterDeadlines(c), wait / 1_000_000 + 1, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  void close() {
    fail(new PeerUnreachableException("connection to " + address + " closed", null));
    Channel c = channel;
    if (c != null) {
      c.close();
    }
  }

  int inFlight() {
    return inFlight.size();
  }

  /**
   * Why a request on this connection failed when it closed. A connection this side retired for
   * silence closes at its requests' deadlines: a request still on it (its own timer a little late)
   * failed because the peer was silent, and says so ({@link PeerUnreachableException#silent}), so its
   * caller decides as on its timeout (a provisional worker, not a 503), not by which timer ran first.
   */
  private PeerUnreachableException closedFailure() {
    return retired
        ? new PeerUnreachableException(address + " was silent: its connection was retired and closed at the "
            + "requests' deadlines", new java.util.concurrent.TimeoutException("retired for silence"))
        : new PeerUnreachableException("the connection to " + address + " closed", null);
  }

  private void fail(PeerUnreachableException e) {
    ready.completeExceptionally(e);
    failAll(e);
  }

  private void failAll(PeerUnreachableException e) {
    for (Long id : inFlight.keySet()) {
      CompletableFuture<PeerResponse> f = inFlight.remove(id);
      if (f != null) {
        f.completeExceptionally(e);
      }
    }
  }

  /** The client side of the handshake, then the replies. */
  private final class Handler extends ChannelInboundHandlerAdapter {
    private final byte[] nonce = PeerAuth.nonce();
    private long c0;
    private boolean authenticated;
    private boolean challenged;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      c0 = PeerAuth.monotonicMillis();
      ctx.writeAndFlush(PeerAuth.hello(ctx.alloc(), self, nonce, c0));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      lastRead = System.nanoTime();
      try {
        if (authenticated) {
          PeerFrames.InboundReply r = PeerFrames.readReply(frame);
          CompletableFuture<PeerResponse> f = inFlight.remove(r.id());
          if (f != null) {
            f.complete(r.response()); // an unknown id is a reply that came after its timeout: dropped
          }
        } else if (!challenged) {
          PeerAuth.Challenge c = PeerAuth.readChallenge(frame);
          if (!PeerAuth.same(auth.serverProof(nonce, c.nonce(), c.node(), self), c.proof())) {
            throw new PeerFrames.ProtocolException("the peer at " + address + " did not prove the cluster secret");
          }
          challenged = true;
          long c2 = PeerAuth.monotonicMillis();
          ctx.writeAndFlush(PeerAuth.proof(ctx.alloc(), c2, auth.clientProof(c.nonce(), nonce, self, c.node(), c0, c2)));
        } else {
          PeerAuth.readWelcome(frame);
          authenticated = true;
          out = new Flusher(ctx.channel());
          ready.complete(ctx.channel());
        }
      } catch (PeerFrames.ProtocolException e) {
        fail(new PeerUnreachableException(e.getMessage(), e));
        ctx.close();
      } finally {
        frame.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail(closedFailure());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(new PeerUnreachableException("the connection to " + address + " failed: " + cause.getMessage(), cause));
      ctx.close();
    }
  }
}
