package dev.ringleader.supervisor.internal.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.supervisor.internal.failure.Answer;
import dev.ringleader.supervisor.internal.node.Timeouts;
import dev.ringleader.worker.WorkerKey;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The peer channel on real sockets over loopback: two {@link PeerNetwork}s, a server whose handler
 * records what it applies. Bad input — a wrong secret, garbage, a huge length prefix, a silent or
 * half-done handshake, a broken frame after a good handshake, a late frame — closes the connection
 * or is refused, and the handler sees none of it; the server keeps serving.
 */
class PeerChannelTest {
  private static final byte[] SECRET = "peer-channel-test-secret-42".getBytes(StandardCharsets.UTF_8);
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
  private final Timeouts timeouts = new Timeouts(timer, timer);
  private final ConcurrentLinkedQueue<String> applied = new ConcurrentLinkedQueue<>();
  private final List<AutoCloseable> open = new ArrayList<>();
  private PeerNetwork server;
  private int port;

  @BeforeEach
  void start() {
    server = network("server", SECRET);
    port = server.start("127.0.0.1", 0, null, (r, from, deadline) -> {
      if (new String(r.body(), StandardCharsets.UTF_8).equals("{\"hang\":true}")) {
        return new CompletableFuture<>(); // never answered: a silent peer, as far as the sender can tell
      }
      applied.add(from + ":" + r.op() + ":" + r.id() + ":" + new String(r.body(), StandardCharsets.UTF_8));
      return CompletableFuture.completedFuture(new Answer(200, ("{\"id\":\"" + r.id() + "\"}")
          .getBytes(StandardCharsets.UTF_8), null));
    }, timeouts);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    timer.shutdownNow();
  }

  private PeerNetwork network(String name, byte[] secret) {
    PeerNetwork n = new PeerNetwork(name, secret, 1);
    open.add(n);
    return n;
  }

  private PeerClient client(String name, byte[] secret) {
    PeerNetwork n = network(name, secret);
    n.start("127.0.0.1", 0, null, (r, from, d) -> new CompletableFuture<>(), timeouts);
    return n.client();
  }

  private static PeerRequest copy(String id, String body) {
    return PeerRequest.of(PeerOp.COPY, new WorkerKey("counter", id), 3, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void manyRequestsInFlightOnOneConnectionGetTheirOwnReplies() throws Exception {
    PeerClient c = client("alice", SECRET);
    List<CompletableFuture<PeerResponse>> replies = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      replies.add(c.send("127.0.0.1:" + port, copy("w" + i, "{\"n\":" + i + "}"), Duration.ofSeconds(10)));
    }
    for (int i = 0; i < replies.size(); i++) {
      PeerResponse r = replies.get(i).get(20, TimeUnit.SECONDS);
      assertEquals(200, r.status());
      assertEquals("{\"id\":\"w" + i + "\"}", r.body(), "each reply matched to its request by id");
    }
    assertEquals(2_000, applied.size());
    assertTrue(applied.contains("alice:COPY:w7:{\"n\":7}"), "the proven node name comes with each request");
    assertEquals(1, c.connections(), "one connection carried them all");
  }

  @Test
  void aPeerWithoutTheSecretIsRefusedAndNothingItSentIsApplied() throws Exception {
    PeerClient intruder = client("mallory", "not-the-cluster-secret!!".getBytes(StandardCharsets.UTF_8));
    CompletableFuture<PeerResponse> r = intruder.send("127.0.0.1:" + port, copy("alice",
        "{\"version\":99,\"state\":{\"score\":1000000}}"), Duration.ofSeconds(5));
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> r.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof PeerUnreachableException, e.toString());
    assertTrue(applied.isEmpty(), "nothing applied: " + applied);
    awaitRefusals(1);
    // One that does not check the server and answers the challenge with a made-up proof, then sends a copy.
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(PeerServer.HANDSHAKE_TIMEOUT_MS * 3);
      s.getOutputStream().write(bytes(PeerAuth.hello(io.netty.buffer.Unpooled.buffer().alloc(), "mallory",
          PeerAuth.nonce(), 0)));
      InputStream in = s.getInputStream();
      int length = new java.io.DataInputStream(in).readInt();
      assertTrue(length > 0 && length < 200, "a challenge came: " + length);
      in.readNBytes(length);
      s.getOutputStream().write(bytes(PeerAuth.proof(io.netty.buffer.Unpooled.buffer().alloc(), 1, PeerAuth.nonce())));
      s.getOutputStream().write(bytes(PeerFrames.request(io.netty.buffer.Unpooled.buffer().alloc(), 1,
          copy("alice", "{\"version\":99}"), 5_000, 0)));
      int next;
      try {
        next = in.read();
      } catch (java.net.SocketException reset) {
        next = -1;
      }
      assertEquals(-1, next, "closed after the wrong proof, nothing answered");
    }
    awaitRefusals(2);
    assertTrue(applied.isEmpty(), "nothing applied: " + applied);
    // A client that is talked to by an impostor server refuses too: the server proves the secret as well.
    PeerClient honest = client("bob", SECRET);
    PeerNetwork impostor = network("impostor", "not-the-cluster-secret!!".getBytes(StandardCharsets.UTF_8));
    int impostorPort = impostor.start("127.0.0.1", 0, null, (q, from, d) -> {
      applied.add("impostor got " + q.op());
      return CompletableFuture.completedFuture(new Answer(200, new byte[0], null));
    }, timeouts);
    org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> honest.send(
        "127.0.0.1:" + impostorPort, copy("x", "{}"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
    assertTrue(applied.isEmpty(), "the honest node sent nothing to the impostor: " + applied);
    assertServes();
  }

  @Test
  void garbageAHugeLengthAndABrokenFrameCloseTheConnection() throws Exception {
    assertClosed(raw(new byte[] {'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n',
        '\r', '\n'}), "an HTTP request");
    assertClosed(raw(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3}), "a 2 GB length prefix");
    assertClosed(raw(new byte[] {0, 0, 0, 3, 10, 0, 0}), "a hello that ends early");
    awaitRefusals(3); // the HTTP request, the huge length and the short hello
    assertTrue(applied.isEmpty(), "nothing applied: " + applied);
    assertServes();
  }

  @Test
  void aConnectionThatSaysNothingIsClosedAfterTheHandshakeTimeout() throws Exception {
    long start = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(PeerServer.HANDSHAKE_TIMEOUT_MS * 3);
      assertEquals(-1, s.getInputStream().read(), "closed by the server");
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= PeerServer.HANDSHAKE_TIMEOUT_MS - 500, "not before the timeout: " + ms);
    assertServes();
  }

  /**
   * A frame sent 10 s before it arrives with a 5 s budget (what a partition that held it would do):
   * answered 504 and not applied; a timely one on the same connection is applied. The client side of
   * the handshake is done by hand here, so the frames' send times are the test's to choose.
   */
  /**
   * A connection retired for silence closes at the latest deadline of its requests. A request whose
   * own timer is late (a loaded machine: here the timer thread is held past that deadline) then fails
   * by the close, and must still say the peer was silent: its caller (a forward in partition mode
   * available) serves a provisional worker on silence and answers 503 on a refusal.
   */
  @Test
  void aRequestFailedByTheCloseOfAConnectionRetiredForSilenceSaysSilent() throws Exception {
    // Its own timer, to stall, and its own continuation thread (as a node has: never the timer).
    ScheduledExecutorService stalled = Executors.newScheduledThreadPool(1);
    java.util.concurrent.ExecutorService continuations = Executors.newSingleThreadExecutor();
    open.add(stalled::shutdownNow);
    open.add(continuations::shutdownNow);
    PeerNetwork n = network("erin", SECRET);
    n.start("127.0.0.1", 0, null, (r, from, d) -> new CompletableFuture<>(), new Timeouts(stalled, continuations));
    PeerClient c = n.client();
    String to = "127.0.0.1:" + port;
    // (a short deadline: the connection closes only after the latest deadline of any request it carried)
    assertEquals(200, c.send(to, copy("warm", "{}"), Duration.ofMillis(400)).get(10, TimeUnit.SECONDS).status());
    CompletableFuture<PeerResponse> later = c.send(to, copy("b", "{\"hang\":true}"), Duration.ofMillis(600));
    CompletableFuture<PeerResponse> first = c.send(to, copy("a", "{\"hang\":true}"), Duration.ofMillis(100));
    ExecutionException a = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> first.get(10, TimeUnit.SECONDS));
    assertTrue(((PeerUnreachableException) a.getCause()).silent(), a.getCause().toString());
    // The fault: the timer thread (every send's own timeout) stalls from before b's deadline until b failed.
    java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
    stalled.schedule(() -> {
      try {
        failed.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, 300, TimeUnit.MILLISECONDS);
    ExecutionException b;
    try {
      b = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> later.get(10, TimeUnit.SECONDS));
    } finally {
      failed.countDown();
    }
    PeerUnreachableException u = (PeerUnreachableException) b.getCause();
    assertTrue(u.getMessage().contains("retired"), "failed by the close, not by its late timer: " + u);
    assertTrue(u.silent(), "the close of a connection retired for silence is silence: " + u);
  }

  @Test
  void aRequestThatArrivesAfterItsSendersDeadlineIsNotApplied() throws Exception {
    try (Socket s = handshake("carol", 0)) {
      java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
      PeerAuth.readWelcome(frame(in));

      long now = PeerAuth.monotonicMillis();
      s.getOutputStream().write(bytes(PeerFrames.request(io.netty.buffer.Unpooled.buffer().alloc(), 1,
          copy("late", "{}"), 5_000, now - 10_000)));
      s.getOutputStream().write(bytes(PeerFrames.request(io.netty.buffer.Unpooled.buffer().alloc(), 2,
          copy("timely", "{}"), 5_000, now)));
      PeerFrames.InboundReply first = PeerFrames.readReply(frame(in));
      PeerFrames.InboundReply second = PeerFrames.readReply(frame(in));
      PeerFrames.InboundReply late = first.id() == 1 ? first : second;
      PeerFrames.InboundReply timely = first.id() == 1 ? second : first;
      assertEquals(504, late.response().status(), late.response().body());
      assertEquals(200, timely.response().status(), timely.response().body());
    }
    assertTrue(applied.stream().noneMatch(a -> a.contains(":late:")), "the late copy was not applied: " + applied);
    assertTrue(applied.contains("carol:COPY:timely:{}"), "the timely one was: " + applied);
  }

  /**
   * A handshake whose PROOF comes more than {@link PeerServer#MAX_HANDSHAKE_ROUND_TRIP_MS} after the
   * CHALLENGE (a leg held by a partition) is refused: the client's clock could not be read closely
   * enough, and every later deadline on the connection would be that much too lenient.
   */
  @Test
  void aHandshakeHeldPastItsRoundTripBoundIsRefused() throws Exception {
    try (Socket s = handshake("dave", PeerServer.MAX_HANDSHAKE_ROUND_TRIP_MS + 200)) {
      java.io.InputStream in = s.getInputStream();
      int b;
      try {
        b = in.read();
      } catch (java.net.SocketException reset) {
        b = -1;
      }
      assertEquals(-1, b, "closed without a WELCOME");
    }
    awaitRefusals(1);
  }

  /**
   * A raw connection whose client side of the handshake is done by hand, up to its PROOF, which goes
   * out {@code holdProofMs} after the CHALLENGE arrived, from the test's timer (a leg held by the
   * network). Returns at once; the WELCOME (or the close) is the caller's to read, within the
   * socket's 10 s read timeout.
   */
  private Socket handshake(String name, long holdProofMs) throws Exception {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
    PeerAuth auth = new PeerAuth(SECRET);
    byte[] nonce = PeerAuth.nonce();
    long c0 = PeerAuth.monotonicMillis();
    s.getOutputStream().write(bytes(PeerAuth.hello(io.netty.buffer.Unpooled.buffer().alloc(), name, nonce, c0)));
    PeerAuth.Challenge challenge = PeerAuth.readChallenge(frame(in));
    Runnable proof = () -> {
      long c2 = PeerAuth.monotonicMillis();
      try {
        s.getOutputStream().write(bytes(PeerAuth.proof(io.netty.buffer.Unpooled.buffer().alloc(), c2,
            auth.clientProof(challenge.nonce(), nonce, name, challenge.node(), c0, c2))));
      } catch (java.io.IOException e) {
        // the server closed first: the caller's read sees it
      }
    };
    if (holdProofMs > 0) {
      timer.schedule(proof, holdProofMs, TimeUnit.MILLISECONDS);
    } else {
      proof.run();
    }
    return s;
  }

  /** One frame (its length prefix read and dropped) from a raw connection. */
  private static io.netty.buffer.ByteBuf frame(java.io.DataInputStream in) throws java.io.IOException {
    byte[] body = new byte[in.readInt()];
    in.readFully(body);
    return io.netty.buffer.Unpooled.wrappedBuffer(body);
  }

  private static byte[] bytes(io.netty.buffer.ByteBuf b) {
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    b.release();
    return out;
  }

  private Socket raw(byte[] bytes) throws Exception {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(PeerServer.HANDSHAKE_TIMEOUT_MS * 3);
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.write(bytes);
    out.flush();
    return s;
  }

  private static void assertClosed(Socket s, String what) throws Exception {
    try (s) {
      InputStream in = s.getInputStream();
      long start = System.nanoTime();
      int b;
      try {
        b = in.read();
      } catch (java.net.SocketException reset) {
        b = -1; // reset by the server: closed too
      } catch (SocketTimeoutException e) {
        throw new AssertionError(what + ": the connection stayed open", e);
      }
      assertEquals(-1, b, what + ": closed, nothing answered");
      assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(PeerServer.HANDSHAKE_TIMEOUT_MS),
          what + ": closed at once, not by the handshake timeout");
    }
  }

  private void awaitRefusals(long n) {
    dev.ringleader.supervisor.Await.until("the server refused " + n + " connections (it has "
        + server.refusedConnections() + ")", java.time.Duration.ofSeconds(5), () -> server.refusedConnections() >= n);
  }

  private void assertServes() throws Exception {
    PeerClient c = client("dave", SECRET);
    assertEquals(200, c.send("127.0.0.1:" + port, copy("ok", "{}"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS)
        .status(), "the server keeps serving");
  }
}
