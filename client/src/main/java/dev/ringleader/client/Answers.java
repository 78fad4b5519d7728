package dev.ringleader.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ringleader.call.CallError;
import dev.ringleader.call.CallException;
import java.time.Duration;

/** The one place where an HTTP error answer becomes a {@link CallException}. */
final class Answers {
  private Answers() {}

  /** The failure of a non-2xx answer; an empty or non-JSON body is named by its status. */
  static CallException error(HttpAnswer a, String node, ObjectMapper json) {
    JsonNode body = null;
    try {
      body = a.body().isEmpty() ? null : json.readTree(a.body());
    } catch (Exception e) {
      // not JSON: described by its status below
    }
    String code = body == null ? null : body.path("error").asText(null);
    CallError error = CallError.ofAnswer(code, a.status());
    String message = body != null && body.hasNonNull("message") ? body.get("message").asText()
        : "node " + node + " answered " + a.status() + (a.body().isEmpty() ? " with an empty body" : ": " + a.body());
    Integer restarts = body != null && body.path("restarts").isIntegralNumber() ? body.get("restarts").asInt() : null;
    return new CallException(error, a.status(), message, retryAfter(a.retryAfter()), restarts, null);
  }

  /** The ring epoch a {@code 421 wrong_owner} names, or -1. */
  static long epochOf(HttpAnswer a, ObjectMapper json) {
    try {
      return json.readTree(a.body()).path("epoch").asLong(-1);
    } catch (Exception e) {
      return -1;
    }
  }

  private static Duration retryAfter(String header) {
    if (header == null) {
      return null;
    }
    try {
      return Duration.ofSeconds(Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      return null; // an HTTP date: not sent by the nodes
    }
  }
}
