package dev.ringleader.supervisor.internal.peer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer port's listener. A connection must finish the {@link PeerAuth} handshake within
 * {@link #HANDSHAKE_TIMEOUT_MS}; until then no request is read. Anything that breaks the protocol — a
 * wrong secret, garbage, a length over {@link PeerFrames#MAX_FRAME}, a frame that does not parse, a
 * silent half-open connection past {@link #IDLE_SECONDS} — closes the connection with one log line
 * (at most one per second; the rest at debug) and applies nothing it sent.
 */
final class PeerServer {
  private static final Logger log = LoggerFactory.getLogger(PeerServer.class);
  static final int HANDSHAKE_TIMEOUT_MS = 5_000;
  /** Until a connection is proven, a frame may be this long (a handshake frame is under 100 bytes). */
  static final int HANDSHAKE_MAX_FRAME = 1024;
  /**
   * The longest CHALLENGE-to-PROOF round trip a connection is kept with: the server reads the
   * client's clock with at most this error, so a request's deadline is never more than this lenient.
   */
  static final long MAX_HANDSHAKE_ROUND_TRIP_MS = 500;
  /** An authenticated connection that sends nothing for this long is closed (clients close theirs sooner). */
  static final int IDLE_SECONDS = 180;
  /** The write buffer marks of every peer connection: above the high one, a server stops reading. */
  static final WriteBufferWaterMark MARKS = new WriteBufferWaterMark(8 << 20, 64 << 20);

  private final String self;
  private final PeerAuth auth;
  private final PeerHandler handler;
  private final RefusalLog refusals;
  private Channel listener;

  PeerServer(String self, PeerAuth auth, PeerHandler handler, RefusalLog refusals) {
    this.self = self;
    this.auth = auth;
    this.handler = handler;
    this.refusals = refusals;
  }

  /** Binds; returns the bound port. Fails (with the OS's reason) when the port is taken. */
  int bind(EventLoopGroup group, String host, int port) {
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, MARKS)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast("idle", new IdleStateHandler(IDLE_SECONDS, 0, 0))
                .addLast("frames", new LengthFieldBasedFrameDecoder(HANDSHAKE_MAX_FRAME, 0, 4, 0, 4))
                .addLast("handshake", new Handshake());
          }
        });
    listener = b.bind(host, port).syncUninterruptibly().channel();
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  void close() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
  }

  /** Server side of the handshake; replaced by {@link PeerServerRequests} once the client is proven. */
  private final class Handshake extends ChannelInboundHandlerAdapter {
    private PeerAuth.Hello hello;
    private byte[] serverNonce;
    private long helloArrivedAt;
    private long challengeSentAt;
    private ScheduledFuture<?> timeout;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      timeout = ctx.executor().schedule(() -> refuse(ctx, "no handshake within " + HANDSHAKE_TIMEOUT_MS + " ms"),
          HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      try {
        if (hello == null) {
          hello = PeerAuth.readHello(frame);
          helloArrivedAt = PeerAuth.monotonicMillis();
          serverNonce = PeerAuth.nonce();
          challengeSentAt = PeerAuth.monotonicMillis();
          ctx.writeAndFlush(PeerAuth.challenge(ctx.alloc(), self, serverNonce,
              auth.serverProof(hello.nonce(), serverNonce, self, hello.node())));
          return;
        }
        PeerAuth.Proof proof = PeerAuth.readProof(frame);
        long proofArrivedAt = PeerAuth.monotonicMillis();
        byte[] expected = auth.clientProof(serverNonce, hello.nonce(), hello.node(), self, hello.c0(), proof.c2());
        if (!PeerAuth.same(expected, proof.proof())) {
          refuse(ctx, "node '" + hello.node() + "' did not prove the cluster secret");
          return;
        }
        if (proofArrivedAt - challengeSentAt > MAX_HANDSHAKE_ROUND_TRIP_MS) {
          // The client's clock is read from the PROOF leg, which is known only to within this round
          // trip (see below): a handshake held by the network (a partition, a frozen process) would
          // make every later request's deadline that much too lenient. The client connects again.
          refuse(ctx, "the handshake of node '" + hello.node() + "' took " + (proofArrivedAt - challengeSentAt)
              + " ms from CHALLENGE to PROOF, more than " + MAX_HANDSHAKE_ROUND_TRIP_MS + " ms: its clock cannot be "
              + "read closely enough to keep request deadlines");
          return;
        }
        timeout.cancel(false);
        refused = true; // proven: a close from here on is not a refusal
        // The client's clock reads (ours minus this) at most: each leg's one-way delay only adds to it,
        // so the smaller of the two is the closer bound (a HELLO held by the network does not count).
        long offset = Math.min(helloArrivedAt - hello.c0(), proofArrivedAt - proof.c2());
        ctx.pipeline().replace(this, "requests", new PeerServerRequests(hello.node(), offset, handler, refusals));
        ctx.pipeline().replace("frames", "frames", new LengthFieldBasedFrameDecoder(PeerFrames.MAX_FRAME, 0, 4, 0, 4));
        ctx.writeAndFlush(PeerAuth.welcome(ctx.alloc()));
      } catch (PeerFrames.ProtocolException e) {
        refuse(ctx, e.getMessage());
      } finally {
        frame.release();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        refuse(ctx, "silent during the handshake");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      refuse(ctx, cause.getMessage());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (!refused) {
        // Still in the handshake (this handler is replaced once it completes): the peer gave up, e.g.
        // because this node's proof did not match its secret.
        refusals.refused(ctx.channel().remoteAddress(), "closed before the handshake completed"
            + (hello != null ? " (node '" + hello.node() + "')" : ""));
      }
    }

    private boolean refused;

    private void refuse(ChannelHandlerContext ctx, String why) {
      if (!refused) {
        refused = true;
        refusals.refused(ctx.channel().remoteAddress(), why);
        ctx.close();
      }
    }
  }

  /** One log line per refused connection, at most one a second (the rest at debug), and a count. */
  static final class RefusalLog {
    private final java.util.concurrent.atomic.AtomicLong lastLogged = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
    private final String self;

    RefusalLog(String self) {
      this.self = self;
    }

    void refused(Object remote, String why) {
      count.incrementAndGet();
      long now = System.nanoTime();
      long last = lastLogged.get();
      if (now - last > 1_000_000_000L && lastLogged.compareAndSet(last, now)) {
        log.warn("node {} closed the peer connection from {}: {} (nothing it sent is applied)", self, remote, why);
      } else {
        log.debug("node {} closed the peer connection from {}: {}", self, remote, why);
      }
    }

    long count() {
      return count.get();
    }
  }
}
