package dev.ringleader.supervisor.internal.peer;

import dev.ringleader.call.CallError;
import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.failure.ErrorResponses;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests of one authenticated peer connection: each frame is parsed, checked against its
 * sender's budget, handed to the {@link PeerHandler}, and its answer written back (coalesced into
 * few flushes) whenever it is ready, in any order: replies carry the request's id.
 *
 * <p>Budget: a request carries its sender's remaining time and its send time on the sender's clock;
 * with the clock offset read at the handshake this node knows when the sender gives up, even if the
 * frame sat in a partitioned network. A request that arrives past that instant is answered 504 and
 * not applied (docs/peer-channel.md, scenario 5).
 *
 * <p>Bounds: at most {@link #MAX_IN_FLIGHT} requests of a connection are being handled; one more is
 * answered 503 at once and not applied. When replies pile up past the write buffer's high mark
 * (the peer does not read), this connection stops reading until they drain.
 */
final class PeerServerRequests extends ChannelInboundHandlerAdapter {
  static final int MAX_IN_FLIGHT = 16_384;

  private final String peer;
  /** This node's monotonic ms minus the peer's (an upper bound; see PeerServer.Handshake). */
  private final long offsetMillis;
  /** Never null: {@link PeerNetwork}'s, which answers 503 itself while the node is not wired yet. */
  private final PeerHandler handler;
  private final PeerServer.RefusalLog refusals;
  private final AtomicInteger inFlight = new AtomicInteger();
  private Flusher out;

  PeerServerRequests(String peer, long offsetMillis, PeerHandler handler,
      PeerServer.RefusalLog refusals) {
    this.peer = peer;
    this.offsetMillis = offsetMillis;
    this.handler = handler;
    this.refusals = refusals;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    out = new Flusher(ctx.channel());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    PeerFrames.InboundRequest in;
    try {
      in = PeerFrames.readRequest(frame);
    } catch (PeerFrames.ProtocolException e) {
      refuse(ctx, "node '" + peer + "' sent a broken frame: " + e.getMessage());
      return;
    } finally {
      frame.release();
    }
    long deadlineMillis = in.sentAtMillis() + offsetMillis + in.budgetMillis();
    long now = PeerAuth.monotonicMillis();
    if (now > deadlineMillis) {
      reply(in.id(), ErrorResponses.of(CallError.TIMEOUT, in.request().op() + " from " + peer + " arrived "
          + (now - deadlineMillis) + " ms after its sender's deadline: not applied"));
      return;
    }
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      reply(in.id(), ErrorResponses.of(CallError.NOT_SERVING, "node has " + MAX_IN_FLIGHT
          + " requests of this connection in hand; retry shortly"));
      return;
    }
    long deadlineNanos = System.nanoTime() + (deadlineMillis - now) * 1_000_000L;
    CompletableFuture<Answer> answer;
    try {
      answer = handler.handle(in.request(), peer, deadlineNanos);
    } catch (RuntimeException e) {
      answer = CompletableFuture.completedFuture(ErrorResponses.of(e));
    }
    answer.whenComplete((a, err) -> {
      inFlight.decrementAndGet();
      reply(in.id(), err != null ? ErrorResponses.of(err) : a);
    });
  }

  private void reply(long id, Answer a) {
    out.write(PeerFrames.reply(io.netty.buffer.ByteBufAllocator.DEFAULT, id, a.status(), a.retryAfter(), a.body()));
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // Back-pressure: a peer that does not read its replies is not read from either.
    ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close(); // a quiet peer (or a half-open connection): it reconnects when it has something to say
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    refuse(ctx, "node '" + peer + "': " + cause.getMessage());
  }

  private void refuse(ChannelHandlerContext ctx, String why) {
    if (ctx.channel().isOpen()) {
      refusals.refused(ctx.channel().remoteAddress(), why);
      ctx.close();
    }
  }
}
