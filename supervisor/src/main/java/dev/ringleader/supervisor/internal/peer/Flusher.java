package dev.ringleader.supervisor.internal.peer;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * Coalesces writes on one channel into few flushes: each {@link #write} queues its frame on the
 * channel's event loop, and the first write since the last flush schedules one flush task behind
 * it. Everything written before that task runs goes out in one system call (the batching Orleans
 * does per 64 messages; here per event-loop turn, with no cap on count: the callers' own bounds —
 * requests in flight, the write buffer's high mark — bound it).
 *
 * <p>Thread: {@link #write} from any thread; the flag is touched only on the event loop, so a write
 * that lands after a flush task ran always schedules the next one (none is left unflushed).
 */
final class Flusher {
  private final Channel channel;
  private final EventLoop loop;
  /** A flush task is queued and has not run yet. Event loop only. */
  private boolean pending;
  private final Runnable flush;

  Flusher(Channel channel) {
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.flush = () -> {
      pending = false;
      channel.flush();
    };
  }

  void write(Object frame) {
    if (loop.inEventLoop()) {
      writeHere(frame);
    } else {
      loop.execute(() -> writeHere(frame));
    }
  }

  private void writeHere(Object frame) {
    channel.write(frame, channel.voidPromise());
    if (!pending) {
      pending = true;
      loop.execute(flush);
    }
  }
}
