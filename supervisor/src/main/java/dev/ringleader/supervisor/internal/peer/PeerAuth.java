package dev.ringleader.supervisor.internal.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The handshake that opens every peer connection (docs/peer-channel.md, "Handshake"): both sides
 * prove they hold the cluster secret with an HMAC-SHA256 over fresh nonces, without sending it.
 *
 * <pre>
 * client -> server  HELLO     u8 10, u32 magic "RLP1", u8 version 1, str node, 32 B nonce c, u64 c0
 * server -> client  CHALLENGE u8 11, str node, 32 B nonce s, 32 B HMAC("RLP1 server", c, s, server, client)
 * client -> server  PROOF     u8 12, u64 c2, 32 B HMAC("RLP1 client", s, c, client, server, c0, c2)
 * server -> client  WELCOME   u8 13
 * </pre>
 * {@code c0}, {@code c2}: the client's monotonic clock (ms) when it sent HELLO and PROOF; the server
 * uses them to read the client's send times (the budget of each request, see {@link PeerServer}).
 * Nonces are fresh per connection, so a recorded handshake cannot be replayed.
 */
public final class PeerAuth {
  static final byte HELLO = 10;
  static final byte CHALLENGE = 11;
  static final byte PROOF = 12;
  static final byte WELCOME = 13;
  static final int MAGIC = 0x524C5031; // "RLP1"
  static final byte VERSION = 1;
  static final int NONCE = 32;
  /** The smallest cluster secret accepted, in bytes. */
  public static final int MIN_SECRET_BYTES = 16;

  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;

  public PeerAuth(byte[] secret) {
    if (secret == null || secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("the cluster secret must have at least " + MIN_SECRET_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  static byte[] nonce() {
    byte[] n = new byte[NONCE];
    RANDOM.nextBytes(n);
    return n;
  }

  byte[] serverProof(byte[] clientNonce, byte[] serverNonce, String server, String client) {
    return mac("RLP1 server", clientNonce, serverNonce, server, client, 0, 0);
  }

  byte[] clientProof(byte[] serverNonce, byte[] clientNonce, String client, String server, long c0, long c2) {
    return mac("RLP1 client", serverNonce, clientNonce, client, server, c0, c2);
  }

  /** Compares in constant time. */
  static boolean same(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  private byte[] mac(String label, byte[] n1, byte[] n2, String a, String b, long t1, long t2) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(label.getBytes(StandardCharsets.UTF_8));
      mac.update(n1);
      mac.update(n2);
      for (String s : new String[] {a, b}) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        mac.update((byte) bytes.length);
        mac.update(bytes);
      }
      for (long t : new long[] {t1, t2}) {
        for (int i = 7; i >= 0; i--) {
          mac.update((byte) (t >>> (8 * i)));
        }
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  // ---- the four frames -------------------------------------------------------------------------

  record Hello(String node, byte[] nonce, long c0) {}

  record Challenge(String node, byte[] nonce, byte[] proof) {}

  record Proof(long c2, byte[] proof) {}

  static ByteBuf hello(ByteBufAllocator alloc, String node, byte[] nonce, long c0) {
    ByteBuf b = alloc.buffer(64).writeInt(0).writeByte(HELLO).writeInt(MAGIC).writeByte(VERSION);
    PeerFrames.writeString(b, node);
    b.writeBytes(nonce).writeLong(c0);
    return b.setInt(0, b.writerIndex() - 4);
  }

  static Hello readHello(ByteBuf b) {
    PeerFrames.need(b, 1 + 4 + 1);
    if (b.readByte() != HELLO || b.readInt() != MAGIC) {
      throw new PeerFrames.ProtocolException("not a Ringleader peer handshake");
    }
    byte version = b.readByte();
    if (version != VERSION) {
      throw new PeerFrames.ProtocolException("peer protocol version " + version + " (this node speaks " + VERSION + ")");
    }
    String node = PeerFrames.readString(b);
    PeerFrames.need(b, NONCE + 8);
    byte[] nonce = new byte[NONCE];
    b.readBytes(nonce);
    return new Hello(node == null ? "" : node, nonce, b.readLong());
  }

  static ByteBuf challenge(ByteBufAllocator alloc, String node, byte[] nonce, byte[] proof) {
    ByteBuf b = alloc.buffer(96).writeInt(0).writeByte(CHALLENGE);
    PeerFrames.writeString(b, node);
    b.writeBytes(nonce).writeBytes(proof);
    return b.setInt(0, b.writerIndex() - 4);
  }

  static Challenge readChallenge(ByteBuf b) {
    PeerFrames.need(b, 1);
    if (b.readByte() != CHALLENGE) {
      throw new PeerFrames.ProtocolException("expected the handshake's challenge");
    }
    String node = PeerFrames.readString(b);
    PeerFrames.need(b, 2 * NONCE);
    byte[] nonce = new byte[NONCE];
    byte[] proof = new byte[NONCE];
    b.readBytes(nonce).readBytes(proof);
    return new Challenge(node == null ? "" : node, nonce, proof);
  }

  static ByteBuf proof(ByteBufAllocator alloc, long c2, byte[] proof) {
    ByteBuf b = alloc.buffer(48).writeInt(0).writeByte(PROOF).writeLong(c2).writeBytes(proof);
    return b.setInt(0, b.writerIndex() - 4);
  }

  static Proof readProof(ByteBuf b) {
    PeerFrames.need(b, 1 + 8 + NONCE);
    if (b.readByte() != PROOF) {
      throw new PeerFrames.ProtocolException("expected the handshake's proof");
    }
    long c2 = b.readLong();
    byte[] proof = new byte[NONCE];
    b.readBytes(proof);
    return new Proof(c2, proof);
  }

  static ByteBuf welcome(ByteBufAllocator alloc) {
    return alloc.buffer(5).writeInt(1).writeByte(WELCOME);
  }

  static void readWelcome(ByteBuf b) {
    PeerFrames.need(b, 1);
    if (b.readByte() != WELCOME) {
      throw new PeerFrames.ProtocolException("expected the handshake's welcome");
    }
  }

  /** Milliseconds of the monotonic clock (only differences mean anything). */
  static long monotonicMillis() {
    return System.nanoTime() / 1_000_000;
  }
}
