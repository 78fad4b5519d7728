package dev.ringleader.demo.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The driver's HTTP calls to a node's client port: a reward with its Idempotency-Key, and JSON reads
 * of the views. Every call has a timeout; none throws for a node that is down, slow or paused.
 */
final class NodeHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * What one reward attempt got: the HTTP status (0 when no answer), the error code or exception,
   * and on 200 the answering worker's node and the score it replied.
   */
  record Outcome(int status, String error, String node, long score) {
    boolean acknowledged() {
      return status == 200;
    }

    @Override
    public String toString() {
      return status == 200 ? "200 score " + score + " on " + node : (status == 0 ? "" : status + " ") + error;
    }
  }

  Outcome reward(String url, String player, String key, int amount, Duration timeout) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/workers/player/" + player)).timeout(timeout)
        .header("Idempotency-Key", key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"reward\":" + amount + "}")).build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      JsonNode body = parse(r.body());
      if (r.statusCode() == 200) {
        return new Outcome(200, null, body.path("node").asText("?"), body.path("reply").path("score").asLong(-1));
      }
      return new Outcome(r.statusCode(), body.path("error").asText("no error code"), null, -1);
    } catch (HttpTimeoutException e) {
      return new Outcome(0, "client timeout", null, -1);
    } catch (IOException e) {
      return new Outcome(0, e.getClass().getSimpleName(), null, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(0, "interrupted", null, -1);
    }
  }

  /** The JSON of a 200 answer to GET url+path, or null (error status, no answer, timeout). */
  JsonNode get(String url, String path, Duration timeout) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? parse(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** GET url+path whatever its status: "status body", or "no answer (why)". */
  String describe(String url, String path, Duration timeout) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body().strip();
    } catch (IOException e) {
      return "no answer (" + e.getClass().getSimpleName() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static JsonNode parse(String body) {
    if (body.isBlank()) {
      return JSON.createObjectNode().put("error", "(empty body)");
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode().put("error", "not JSON: " + body.substring(0, Math.min(80, body.length())));
    }
  }
}
