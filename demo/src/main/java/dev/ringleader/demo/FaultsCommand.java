package dev.ringleader.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ringleader.faults.TcpProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * {@code faults --zk-port 2181 --nodes 3 --control-port 8099}: the demo's netsplit switchboard. For
 * node N it listens on 127.0.0.1:(2190+N) in front of ZooKeeper and on 127.0.0.1:(9090+N) in front of
 * node N's peer port (9080+N); node N is started with {@code --zk 127.0.0.1:219N --advertise-peer
 * 127.0.0.1:909N --peer-bind-address 127.0.0.(10+N)} so that its ZooKeeper traffic and every link
 * between nodes pass through here, while clients still use 808N directly. Control, on loopback:
 * {@code POST /isolate/nodeN} (node N loses ZooKeeper and both directions to every other node: a
 * 1 | N-1 split), {@code POST /heal}, {@code GET /} (who is isolated). Runs until stopped.
 */
final class FaultsCommand {
  private FaultsCommand() {}

  static int run(String[] args) throws Exception {
    Flags flags = new Flags(args);
    int zkPort = flags.integer("zk-port", 2181);
    int nodes = flags.integer("nodes", 3);
    int controlPort = flags.integer("control-port", 8099);
    if (nodes < 2 || nodes > 9) {
      System.err.println("faults: --nodes must be 2-9");
      return 2;
    }
    Map<String, TcpProxy> zk = new TreeMap<>();
    Map<String, TcpProxy> inbound = new TreeMap<>();
    try {
      for (int n = 1; n <= nodes; n++) {
        zk.put("node" + n, new TcpProxy(2190 + n, zkPort));
        inbound.put("node" + n, new TcpProxy(9090 + n, 9080 + n)); // in front of the peer ports
      }
    } catch (IOException e) {
      System.err.println("faults: cannot listen on the proxy ports 2191-219" + nodes + ", 9091-909" + nodes + ": "
          + e.getMessage());
      return 1;
    }
    TreeSet<String> isolated = new TreeSet<>();
    HttpServer control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), controlPort), 16);
    control.createContext("/", ex -> {
      synchronized (isolated) {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (method.equals("POST") && path.startsWith("/isolate/") && zk.containsKey(path.substring(9))) {
          String node = path.substring(9);
          zk.get(node).cut();
          for (String other : inbound.keySet()) {
            if (!other.equals(node)) {
              inbound.get(other).block(source(node));
              inbound.get(node).block(source(other));
            }
          }
          isolated.add(node);
          System.out.println("isolated " + node + ": cut from ZooKeeper and from every other node");
        } else if (method.equals("POST") && path.equals("/heal")) {
          zk.values().forEach(TcpProxy::heal);
          inbound.values().forEach(TcpProxy::unblockAll);
          isolated.clear();
          System.out.println("healed: every link flows again");
        } else if (!(method.equals("GET") && path.equals("/"))) {
          reply(ex, 404, "{\"error\":\"POST /isolate/nodeN (N = 1-" + nodes + "), POST /heal or GET /\"}");
          return;
        }
        reply(ex, 200, "{\"isolated\":[" + String.join(",", isolated.stream().map(n -> "\"" + n + "\"").toList())
            + "]}");
      }
    });
    control.start();
    System.out.println("faults: nodes 1-" + nodes + " reach ZooKeeper through 127.0.0.1:2191-219" + nodes
        + " and each other through 127.0.0.1:8091-809" + nodes + "; control on http://127.0.0.1:" + controlPort);
    new CountDownLatch(1).await();
    return 0;
  }

  /** The loopback address node N's links to other nodes come from. */
  static String source(String node) {
    return "127.0.0." + (10 + Integer.parseInt(node.substring(4)));
  }

  private static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }
}
