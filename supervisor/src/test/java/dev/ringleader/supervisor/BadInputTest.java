package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear JSON error, changes nothing, and the node keeps serving. */
class BadInputTest {
  private static TestCluster cluster;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.of(2, Map.of("max-body-bytes", "1024"));
    url = cluster.url("node1");
    assertEquals(200, Http.post(url + "/workers/counter/bob", "{\"add\":3}").status());
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static void assertError(Http.Reply r, int status, String code) {
    assertEquals(status, r.status(), r.body());
    assertEquals(code, r.json().get("error").asText(), r.body());
    assertTrue(r.json().get("message").asText().length() > 10, "a message that says what to do: " + r.body());
  }

  @Test
  void unknownTypeIs404() {
    assertError(Http.post(url + "/workers/nosuch/bob", "{}"), 404, "unknown_type");
    assertError(Http.get(url + "/workers/nosuch/bob"), 404, "unknown_type");
  }

  @Test
  void unknownPathIs404() {
    assertError(Http.get(url + "/nothing/here"), 404, "not_found");
  }

  @Test
  void wrongMethodIs405() {
    assertError(Http.send(HttpRequest.newBuilder(URI.create(url + "/workers/counter/bob")).DELETE()),
        405, "method_not_allowed");
  }

  @Test
  void malformedJsonIs400() {
    assertError(Http.post(url + "/workers/counter/bob", "{\"add\": "), 400, "bad_json");
    assertError(Http.post(url + "/workers/counter/bob", ""), 400, "bad_json");
    assertError(Http.post(url + "/workers/counter/bob", "{} {}"), 400, "bad_json");
  }

  @Test
  void aMessageTheTypeRejectsIs400AndNotACrash() {
    assertError(Http.post(url + "/workers/counter/bob", "{\"other\":1}"), 400, "bad_message");
  }

  @Test
  void bodyOverTheLimitIs413() {
    assertError(Http.post(url + "/workers/counter/bob", "{\"add\":1,\"pad\":\"" + "x".repeat(2000) + "\"}"),
        413, "body_too_large");
  }

  @Test
  void invalidIdIs400() {
    assertError(Http.post(url + "/workers/counter/" + "x".repeat(200), "{\"add\":1}"), 400, "bad_request");
    assertError(Http.get(url + "/workers/counter/a%20b"), 400, "bad_request");
  }

  @Test
  void nothingChangedAndTheNodeStillServes() {
    unknownTypeIs404();
    malformedJsonIs400();
    bodyOverTheLimitIs413();
    aMessageTheTypeRejectsIs400AndNotACrash();
    Http.Reply r = Http.get(url + "/workers/counter/bob");
    assertEquals(200, r.status(), r.body());
    assertEquals(3, r.json().at("/state/total").asLong());
    assertEquals(200, Http.get(url + "/health").status());
    assertNotNull(Http.get(url + "/metrics").body());
  }
}
