package dev.ringleader.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What each setting of {@link RingleaderClient.Builder} accepts, the "allowed" column of its table:
 * a check returns the value it accepts, or throws {@link IllegalArgumentException} with a message
 * that starts with the setting's name.
 */
final class SettingChecks {
  private SettingChecks() {}

  /** The base URLs ({@code http://host[:port]}) of {@code seeds}: at least one, none with a path. */
  static List<String> seeds(List<URI> seeds) {
    if (seeds == null || seeds.isEmpty()) {
      throw new IllegalArgumentException("seeds must name at least one node URL");
    }
    List<String> out = new ArrayList<>();
    for (URI u : seeds) {
      out.add(seed(u));
    }
    return out;
  }

  /** {@code seeds} read as URIs (not checked further here): at least one. */
  static List<URI> seedUris(String... seeds) {
    if (seeds == null || seeds.length == 0) {
      throw new IllegalArgumentException("seeds must name at least one node URL");
    }
    List<URI> uris = new ArrayList<>();
    for (String s : Arrays.asList(seeds)) {
      try {
        uris.add(URI.create(Objects.requireNonNull(s, "seed").trim()));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("seeds: '" + s + "' is not a URL: " + e.getMessage());
      }
    }
    return uris;
  }

  private static String seed(URI u) {
    if (u == null || !"http".equals(u.getScheme()) || u.getHost() == null || u.getPort() == 0) {
      throw new IllegalArgumentException("seeds: '" + u + "' is not an http://host[:port] URL");
    }
    if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
      throw new IllegalArgumentException("seeds: '" + u + "' must be a node's base URL, without a path");
    }
    return "http://" + u.getRawAuthority();
  }

  static Duration positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
    }
    return d;
  }

  /** {@code value}, when it is {@code min}-{@code max} (both included). */
  static int between(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be " + min + "-" + max + ", was " + value);
    }
    return value;
  }

  static void backoff(Duration initial, Duration max) {
    positive("backoff initial", initial);
    positive("backoff max", max);
    if (initial.compareTo(max) > 0) {
      throw new IllegalArgumentException("backoff initial (" + initial + ") must be <= backoff max (" + max + ")");
    }
  }

  static Duration ringRefresh(Duration every) {
    positive("ringRefresh", every);
    if (every.toMillis() < 10) {
      throw new IllegalArgumentException("ringRefresh must be >= 10 ms, was " + every);
    }
    return every;
  }

  static String requestType(String type) {
    if (type == null || !WorkerNames.TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("requestType must be 1-64 letters, digits, - and _, was " + type);
    }
    return type;
  }

  static ObjectMapper objectMapper(ObjectMapper mapper) {
    if (mapper == null) {
      throw new IllegalArgumentException("objectMapper must not be null");
    }
    return mapper;
  }

  /** The checks across settings, when the client is built. */
  static void complete(List<String> seeds, Duration callTimeout, Duration attemptTimeout) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("seeds must name at least one node URL (seeds(...) was not called)");
    }
    if (attemptTimeout.compareTo(callTimeout) > 0) {
      throw new IllegalArgumentException("attemptTimeout (" + attemptTimeout + ") must be <= callTimeout ("
          + callTimeout + ")");
    }
  }
}
