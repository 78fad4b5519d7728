package dev.ringleader.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free ports on 127.0.0.1 for tests and fault runs that start servers: taken from 20000-31999,
 * below Linux's ephemeral range (32768-60999 by default), and handed out in turn per JVM.
 *
 * <p>Why not {@code new ServerSocket(0)}: that port comes from the ephemeral range, which every
 * outgoing connection (a proxy's, a ZooKeeper client's) draws from too. Between the moment the port
 * is found free and the moment the server binds it, such a connection can take it: "Address already
 * in use" (seen in a test that opens proxies and ZooKeeper sessions before its node binds).
 * Outgoing connections never use ports below the ephemeral range, so only another server can.
 */
public final class LoopbackPorts {
  private static final int FIRST = 20_000;
  private static final int COUNT = 12_000;
  /** Where this JVM starts (by its PID), so concurrent test JVMs rarely try the same ports. */
  private static final AtomicInteger NEXT =
      new AtomicInteger((int) (ProcessHandle.current().pid() * 97 % COUNT));

  private LoopbackPorts() {}

  /** A port nothing listens on now; tries at most every port of the range once. */
  public static int free() {
    for (int tried = 0; tried < COUNT; tried++) {
      int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (IOException busy) {
        // taken: the next one
      }
    }
    throw new IllegalStateException("no free port on 127.0.0.1 in " + FIRST + "-" + (FIRST + COUNT - 1));
  }
}
