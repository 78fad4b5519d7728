package dev.ringleader.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of one target port, for fault injection: {@link #cut()} makes it
 * a black hole (bytes and new connections are held, nothing is delivered, nothing is closed: a silent
 * partition), {@link #heal()} lets traffic flow again. {@link #block(String)} does the same for the
 * connections from one source address only (the client's address as the proxy sees it), so that
 * clients bound to distinct loopback addresses can be cut apart. Threads per connection: a tool for
 * tests and the demo's netsplit walkthrough, not for production traffic.
 */
public final class TcpProxy implements AutoCloseable {
  private final int targetPort;
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  /** Guarded by {@link #gate}. */
  private boolean cut;
  /** Source addresses whose connections are held. Guarded by {@link #gate}. */
  private final Set<String> blocked = new HashSet<>();
  private volatile boolean closed;

  /** A proxy on a free port of 127.0.0.1 in front of {@code targetPort} on 127.0.0.1. */
  public TcpProxy(int targetPort) throws IOException {
    this(0, targetPort);
  }

  /** A proxy on {@code listenPort} of 127.0.0.1 (0: a free one) in front of {@code targetPort} on 127.0.0.1. */
  public TcpProxy(int listenPort, int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 50);
    Thread accept = new Thread(this::acceptLoop, "proxy-accept-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public String address() {
    return "127.0.0.1:" + port();
  }

  /** From now on nothing passes, in either direction, on old or new connections. */
  public void cut() {
    synchronized (gate) {
      cut = true;
    }
  }

  /** Traffic flows again (held bytes are delivered late, like a network that came back). */
  public void heal() {
    synchronized (gate) {
      cut = false;
      gate.notifyAll();
    }
  }

  /**
   * From now on nothing passes, in either direction, on old or new connections whose client has this
   * address (as {@link java.net.InetAddress#getHostAddress()} spells it, e.g. {@code 127.0.0.11}).
   */
  public void block(String sourceAddress) {
    synchronized (gate) {
      blocked.add(sourceAddress);
    }
  }

  /** Connections from this address flow again (held bytes are delivered late). */
  public void unblock(String sourceAddress) {
    synchronized (gate) {
      blocked.remove(sourceAddress);
      gate.notifyAll();
    }
  }

  /** Connections from every blocked address flow again. */
  public void unblockAll() {
    synchronized (gate) {
      blocked.clear();
      gate.notifyAll();
    }
  }

  /** Waits while traffic of a connection from this source may not pass. */
  private void awaitOpen(String source) throws InterruptedException {
    synchronized (gate) {
      while ((cut || blocked.contains(source)) && !closed) {
        gate.wait(100);
      }
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread t = new Thread(() -> connect(client), "proxy-conn-" + port());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void connect(Socket client) {
    String source = client.getInetAddress().getHostAddress();
    try {
      awaitOpen(source);
      Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      sockets.add(upstream);
      pump(client, upstream, source);
      pump(upstream, client, source);
    } catch (IOException | InterruptedException e) {
      closeQuietly(client);
    }
  }

  /** Copies one direction of the connection from {@code source}, holding bytes while it is cut. */
  private void pump(Socket from, Socket to, String source) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          awaitOpen(source);
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the connection ended
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "proxy-pump-" + port());
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    heal();
    server.close();
    sockets.forEach(TcpProxy::closeQuietly);
  }
}
