package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ringleader.supervisor.internal.routing.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input of every kind a client can send: the node answers each with a JSON error (or closes a
 * connection that is not HTTP), keeps serving, and no worker's state or registry entry changes.
 * Random inputs use a fixed seed, so a failure can be replayed.
 */
class FuzzTest {
  private static TestCluster cluster;
  private static String url;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.of(2, Map.of("max-body-bytes", "4096", "body-timeout-ms", "2000"));
    url = cluster.url("node1");
    port = URI.create(url).getPort();
    assertEquals(200, Http.post(url + "/workers/counter/victim", "{\"add\":42}").status());
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static void assertJsonError(Http.Reply r, String what) {
    assertTrue(r.status() >= 400 && r.status() < 500, what + " -> " + r.status() + " " + r.body());
    assertTrue(r.json().has("error") && r.json().has("message"), what + " -> " + r.body());
  }

  private static void assertUnharmed() throws Exception {
    Http.Reply r = Http.get(url + "/workers/counter/victim");
    assertEquals(200, r.status(), r.body());
    assertEquals(42, r.json().at("/state/total").asLong(), "the victim's state is unchanged");
    assertEquals(200, Http.get(url + "/health").status());
    List<String> names = cluster.observer().getChildren().forPath(cluster.root() + "/registry");
    assertEquals(List.of("counter"), names, "no registry entries for junk types");
  }

  @Test
  void malformedPathsGetJsonErrors() throws Exception {
    String[] paths = {"/workers", "/workers/counter", "/workers/counter/", "/workers//victim", "/workers/counter/a/b",
        "/workers/%00/x", "/workers/counter/%2e%2e", "/workers/counter/..", "/workers/counter/a%2Fb", "/request/",
        "/cluster/owner/counter", "/cluster/owner/nosuch/x", "/node/workers/extra", "/" + "x".repeat(5000),
        "/workers/counter/" + "y".repeat(129), "/workers/counter/%F0%9F%98%80", "/dashboard/../../etc/passwd",
        "/dashboard/app.exe", "/internal/replicas/counter/..", "/cluster/history/nosuch/x"};
    for (String p : paths) {
      assertJsonError(Http.get(url + p), "GET " + p);
      assertJsonError(Http.post(url + p, "{\"add\":1}"), "POST " + p);
    }
    assertUnharmed();
  }

  @Test
  void randomTextAndBinaryBodiesGetJsonErrors() throws Exception {
    Random random = new Random(20261122);
    for (int i = 0; i < 200; i++) {
      byte[] body = new byte[random.nextInt(300)];
      random.nextBytes(body);
      if (i % 2 == 0) {
        String alphabet = "{}[]\":,0123456789abcdeftrunl \\";
        for (int j = 0; j < body.length; j++) {
          body[j] = (byte) alphabet.charAt(Math.floorMod(body[j], alphabet.length()));
        }
      }
      Http.Reply r = Http.send(HttpRequest.newBuilder(URI.create(url + "/workers/counter/victim"))
          .header("Content-Type", i % 3 == 0 ? "application/octet-stream" : "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
      if (r.status() == 200) {
        throw new AssertionError("random body " + i + " was accepted: " + new String(body, StandardCharsets.ISO_8859_1));
      }
      assertJsonError(r, "random body " + i);
    }
    for (String json : new String[] {"null", "[]", "\"add\"", "{\"add\":null}", "{\"add\":[1]}", "{\"add\":1e400}",
        "{\"add\":{\"$x\":1}}", "[1,2,3]", "{\"add\":9223372036854775808}"}) {
      // Some of these crash the counter on purpose (a non-integer "add"); after three it backs off.
      Http.Reply r = Http.post(url + "/workers/counter/crashme", json);
      assertTrue(r.status() == 400 || r.status() == 500 || r.status() == 503, json + " -> " + r.status() + " " + r.body());
      assertTrue(r.json().has("error"), json + " -> " + r.body());
    }
    assertUnharmed();
  }

  @Test
  void hugeBodiesAndWrongMethodsGetJsonErrors() throws Exception {
    assertJsonError(Http.post(url + "/workers/counter/victim", "{\"add\":1,\"pad\":\"" + "z".repeat(5_000_000) + "\"}"),
        "a 5 MB body");
    assertJsonError(Http.post(url + "/internal/replicas", "[" + "{}".repeat(1) + "]"), "no internal calls on the client port");
    for (String method : new String[] {"PUT", "DELETE", "PATCH", "OPTIONS"}) {
      assertJsonError(Http.send(HttpRequest.newBuilder(URI.create(url + "/workers/counter/victim"))
          .method(method, HttpRequest.BodyPublishers.ofString("{\"add\":1}"))), method);
    }
    assertJsonError(Http.send(HttpRequest.newBuilder(URI.create(url + "/workers/counter/victim"))
        .header(Router.EPOCH_HEADER, "not-a-number").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"oops\":1}"))), "a junk epoch header");
    assertJsonError(Http.send(HttpRequest.newBuilder(URI.create(url + "/workers/counter/victim"))
        .header(Router.IDEMPOTENCY_HEADER, "k".repeat(200)).POST(HttpRequest.BodyPublishers.ofString("{\"add\":1}"))),
        "a too long idempotency key");
    assertUnharmed();
  }

  @Test
  void slowAndBrokenClientsDoNotBlockOthers() throws Exception {
    // Slow clients: headers and bodies trickled, then abandoned, while others are served.
    List<Socket> slow = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Socket s = new Socket("127.0.0.1", port);
      OutputStream out = s.getOutputStream();
      out.write(("POST /workers/counter/victim HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"add\":").getBytes());
      out.flush();
      slow.add(s);
    }
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      assertEquals(200, Http.get(url + "/health").status());
    }
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "others are served meanwhile");
    for (Socket s : slow) {
      s.close(); // abandoned mid-body: the update must not happen
    }
    // Not HTTP at all, and broken HTTP.
    for (String junk : new String[] {"\u0000\u0001\u0002garbage\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
        "POST /workers/counter/victim HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "POST /workers/counter/victim HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n"}) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        // The node answers, or closes a connection it cannot make sense of within its parse timeout
        // (5 s) or its body timeout (2 s here).
        s.setSoTimeout(15_000);
        s.getOutputStream().write(junk.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[512];
        try {
          int n = in.read(buf);
          String answer = n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
          assertTrue(n <= 0 || answer.startsWith("HTTP/1.1 4") || answer.startsWith("HTTP/1.0 4"),
              "junk gets a 4xx or a closed connection: " + answer);
        } catch (java.net.SocketException e) {
          // connection reset: fine
        }
      }
    }
    Await.until("the node still serves and nothing changed", Duration.ofSeconds(5), () -> {
      try {
        assertUnharmed();
        return true;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }
}
