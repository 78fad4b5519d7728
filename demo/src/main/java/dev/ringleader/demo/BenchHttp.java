package dev.ringleader.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The bench's setup and probe calls (not its load: wrk and the load command make that). */
final class BenchHttp {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One answer; status -1 when the call failed (refused, timed out). */
  record Reply(int status, String body) {
    boolean ok() {
      return status == 200;
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (Exception e) {
        return JSON.missingNode();
      }
    }
  }

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  Reply get(String url, Duration timeout) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build());
  }

  private Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(-1, "interrupted");
    } catch (Exception e) {
      return new Reply(-1, String.valueOf(e));
    }
  }
}
