package dev.ringleader.supervisor.internal.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The frames of the peer channel once a connection is authenticated (docs/peer-channel.md, "Frames").
 * Every frame is {@code u32 length} then {@code length} bytes; this class reads and writes what follows
 * the length (the length itself is Netty's {@code LengthFieldBasedFrameDecoder} / prepended here).
 *
 * <pre>
 * request: u8 kind=1, u64 id, u8 op, u32 budgetMs, u64 sentAtMs, i64 epoch,
 *          str type, str id, str requestKey, str from, body (the rest)
 * reply:   u8 kind=2, u64 id, u16 status, str retryAfter, body (the rest)
 * str:     u16 byte length (0xFFFF: absent), UTF-8 bytes (at most {@link #MAX_STRING})
 * </pre>
 * A frame that does not parse is a {@link ProtocolException}: the connection is closed.
 */
public final class PeerFrames {
  /**
   * The largest frame: the largest body between nodes, a merge ({@link PeerClient#MERGE_MAX_BYTES};
   * every other op's body is capped at {@link PeerClient#INTERNAL_MAX_BYTES} by the receiver, 413),
   * plus room for the header.
   */
  public static final int MAX_FRAME = PeerClient.MERGE_MAX_BYTES + 64 * 1024;
  static final int MAX_STRING = 1024;
  static final byte REQUEST = 1;
  static final byte REPLY = 2;
  private static final int NULL = 0xFFFF;

  private PeerFrames() {}

  /** A frame that breaks the format; the connection it came on is closed. */
  public static final class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
      super(message, null, false, false);
    }
  }

  /** A request as it arrived: the request, its id, and the sender's budget and send time. */
  record InboundRequest(long id, PeerRequest request, int budgetMillis, long sentAtMillis) {}

  /** A reply as it arrived. */
  record InboundReply(long id, PeerResponse response) {}

  static ByteBuf request(ByteBufAllocator alloc, long id, PeerRequest r, int budgetMillis, long sentAtMillis) {
    ByteBuf b = alloc.buffer(64 + r.body().length);
    b.writeInt(0); // the length, set below
    b.writeByte(REQUEST).writeLong(id).writeByte(r.op().code).writeInt(budgetMillis).writeLong(sentAtMillis)
        .writeLong(r.epoch());
    writeString(b, r.type());
    writeString(b, r.id());
    writeString(b, r.requestKey());
    writeString(b, r.from());
    b.writeBytes(r.body());
    return b.setInt(0, b.writerIndex() - 4);
  }

  static ByteBuf reply(ByteBufAllocator alloc, long id, int status, String retryAfter, byte[] body) {
    ByteBuf b = alloc.buffer(24 + body.length);
    b.writeInt(0);
    b.writeByte(REPLY).writeLong(id).writeShort(status);
    writeString(b, retryAfter);
    b.writeBytes(body);
    return b.setInt(0, b.writerIndex() - 4);
  }

  /** Reads one frame (without its length) that must be a request. */
  static InboundRequest readRequest(ByteBuf b) {
    need(b, 1 + 8 + 1 + 4 + 8 + 8);
    byte kind = b.readByte();
    if (kind != REQUEST) {
      throw new ProtocolException("expected a request frame, got kind " + kind);
    }
    long id = b.readLong();
    byte code = b.readByte();
    PeerOp op = PeerOp.of(code);
    if (op == null) {
      throw new ProtocolException("unknown op " + code);
    }
    int budget = b.readInt();
    if (budget < 0) {
      throw new ProtocolException("negative budget " + budget);
    }
    long sentAt = b.readLong();
    long epoch = b.readLong();
    String type = readString(b);
    String wid = readString(b);
    String key = readString(b);
    String from = readString(b);
    byte[] body = new byte[b.readableBytes()];
    b.readBytes(body);
    return new InboundRequest(id, new PeerRequest(op, type, wid, key, epoch, from, body), budget, sentAt);
  }

  /** Reads one frame (without its length) that must be a reply. */
  static InboundReply readReply(ByteBuf b) {
    need(b, 1 + 8 + 2);
    byte kind = b.readByte();
    if (kind != REPLY) {
      throw new ProtocolException("expected a reply frame, got kind " + kind);
    }
    long id = b.readLong();
    int status = b.readUnsignedShort();
    if (status < 100 || status > 599) {
      throw new ProtocolException("status " + status + " is not 100-599");
    }
    String retryAfter = readString(b);
    byte[] body = new byte[b.readableBytes()];
    b.readBytes(body);
    return new InboundReply(id, new PeerResponse(status, body, retryAfter));
  }

  static void writeString(ByteBuf b, String s) {
    if (s == null) {
      b.writeShort(NULL);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_STRING) {
      throw new IllegalArgumentException("a string of " + bytes.length + " bytes in a peer frame (max " + MAX_STRING + ")");
    }
    b.writeShort(bytes.length).writeBytes(bytes);
  }

  static String readString(ByteBuf b) {
    need(b, 2);
    int n = b.readUnsignedShort();
    if (n == NULL) {
      return null;
    }
    if (n > MAX_STRING) {
      throw new ProtocolException("a string of " + n + " bytes (max " + MAX_STRING + ")");
    }
    need(b, n);
    String s = b.toString(b.readerIndex(), n, StandardCharsets.UTF_8);
    b.skipBytes(n);
    return s;
  }

  static void need(ByteBuf b, int n) {
    if (b.readableBytes() < n) {
      throw new ProtocolException("frame ends early: " + n + " more bytes expected, " + b.readableBytes() + " left");
    }
  }
}
