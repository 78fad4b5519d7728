package dev.ringleader.supervisor.internal.coordinator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ringleader.supervisor.internal.node.Timeouts;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.peer.PeerNetwork;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the crash detector takes for evidence (docs/failover.md, scenarios 1 and 6), on real
 * sockets: a closed port refuses; a listener whose backlog is full, a listener that accepts and
 * closes (a proxy whose target is gone), and a listener that never answers the handshake do not.
 */
class RefusalEvidenceTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private PeerNetwork network;
  private PeerClient client;

  @BeforeEach
  void start() {
    network = new PeerNetwork("judge", "refusal-test-secret-0123".getBytes(StandardCharsets.UTF_8), 1);
    network.start("127.0.0.1", 0, null, (r, from, d) -> new CompletableFuture<>(), new Timeouts(timer, Runnable::run));
    client = network.client();
  }

  @AfterEach
  void stop() {
    network.close();
    timer.shutdownNow();
  }

  private Throwable failureOf(int port) {
    try {
      client.send("127.0.0.1:" + port, PeerRequest.of(PeerOp.IDENTIFY, null), Duration.ofMillis(500)).join();
      throw new AssertionError("port " + port + " answered");
    } catch (java.util.concurrent.CompletionException e) {
      return e;
    }
  }

  @Test
  void aClosedPortIsRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertTrue(CrashDetector.refused(failureOf(port)), "nothing listens: the kernel answers RST");
  }

  @Test
  void aFullBacklogIsSilenceNotARefusal() throws Exception {
    assumeTrue(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_abort_on_overflow")).strip().equals("0"),
        "with tcp_abort_on_overflow=1 Linux answers a full backlog with RST (docs/failover.md)");
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { // never accepts
      java.util.List<Socket> filling = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Socket f = new Socket();
          try {
            f.connect(s.getLocalSocketAddress(), 200);
          } catch (java.io.IOException e) {
            // the backlog is full: this one was dropped
          }
          filling.add(f);
        }
        assertFalse(CrashDetector.refused(failureOf(s.getLocalPort())), "a full backlog drops the SYN: a timeout");
      } finally {
        for (Socket f : filling) {
          f.close();
        }
      }
    }
  }

  @Test
  void aConnectionAcceptedThenClosedIsNotARefusal() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread closer = new Thread(() -> {
        try {
          while (true) {
            s.accept().close(); // a proxy whose target is gone
          }
        } catch (java.io.IOException e) {
          // closed at the end of the test
        }
      });
      closer.setDaemon(true);
      closer.start();
      assertFalse(CrashDetector.refused(failureOf(s.getLocalPort())), "accepted, then closed: no evidence");
    }
  }

  @Test
  void aListenerThatNeverAnswersIsNotARefusal() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        java.util.List<Socket> held = new java.util.ArrayList<>();
        try {
          while (true) {
            held.add(s.accept()); // a frozen process: its kernel accepts, nobody reads
          }
        } catch (java.io.IOException e) {
          // closed at the end of the test
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      assertFalse(CrashDetector.refused(failureOf(s.getLocalPort())), "silence: no evidence");
    }
  }
}
