package dev.ringleader.supervisor;

import dev.ringleader.registry.Ring;
import dev.ringleader.worker.PartitionMode;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/** Reads and validates settings: the one place a {@link Settings} is made. */
final class SettingsReader {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern TYPE_KEY = Pattern.compile("type\\.([A-Za-z0-9_-]{1,64})\\.(idle-timeout-ms|lifetime-ms)");

  private SettingsReader() {}

  /** Builds settings from flags, environment and (if named) a properties file. */
  static Settings parse(String[] args, Map<String, String> env) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        throw new SettingsException("unexpected argument '" + a + "': settings are given as --name value");
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new SettingsException("setting --" + name + " has no value");
      }
      flags.put(name, value);
    }
    Map<String, String> merged = new HashMap<>();
    String config = flags.getOrDefault("config", env.get("RINGLEADER_CONFIG"));
    if (config != null) {
      merged.putAll(load(Path.of(config)));
    }
    for (Setting s : Setting.ALL) {
      if (!s.name().startsWith("type.") && env.containsKey(s.env())) {
        merged.put(s.name(), env.get(s.env()));
      }
    }
    env.forEach((k, v) -> {
      if (k.startsWith("RINGLEADER_TYPE_")) {
        // RINGLEADER_TYPE_CACHE_LIFETIME_MS -> type.cache.lifetime-ms
        String rest = k.substring("RINGLEADER_TYPE_".length()).toLowerCase(Locale.ROOT);
        for (String suffix : new String[] {"_idle_timeout_ms", "_lifetime_ms"}) {
          if (rest.endsWith(suffix)) {
            merged.put("type." + rest.substring(0, rest.length() - suffix.length()) + "."
                + suffix.substring(1).replace('_', '-'), v);
          }
        }
      }
    });
    merged.putAll(flags);
    merged.remove("config");
    return read(merged);
  }

  private static Map<String, String> load(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new SettingsException("setting config: cannot read properties file " + file + " (" + e.getMessage() + ")");
    }
    Map<String, String> out = new HashMap<>();
    p.forEach((k, v) -> out.put(k.toString().trim(), v.toString().trim()));
    return out;
  }

  /** Validates a name -> value map (names as in {@link Setting#ALL}); unknown names are an error. */
  static Settings read(Map<String, String> values) {
    Values r = new Values(values);
    String id = r.name("id", null);
    if (id == null) {
      throw new SettingsException("missing setting --id: every node needs a unique name ([A-Za-z0-9_-]{1,64})");
    }
    String host = r.string("host", "127.0.0.1");
    int port = r.integer("port", 8080, 1, 65535);
    String advertise = r.string("advertise-url", "http://" + host + ":" + port);
    if (!advertise.startsWith("http://")) {
      throw new SettingsException("invalid setting --advertise-url=" + advertise + ": must be an http:// URL");
    }
    Map<String, Settings.TypeLimits> types = new HashMap<>();
    for (String key : values.keySet()) {
      var m = TYPE_KEY.matcher(key);
      if (m.matches()) {
        String type = m.group(1);
        Settings.TypeLimits old = types.getOrDefault(type, new Settings.TypeLimits(null, null));
        Duration d = Duration.ofMillis(r.integer(key, 0, 0, 86_400_000));
        types.put(type, m.group(2).equals("lifetime-ms")
            ? new Settings.TypeLimits(old.idleTimeout(), d) : new Settings.TypeLimits(d, old.lifetime()));
      }
    }
    Settings s = new Settings(
        r.name("cluster", "demo"),
        id,
        host,
        port,
        advertise.endsWith("/") ? advertise.substring(0, advertise.length() - 1) : advertise,
        r.address("peer-bind-address"),
        r.string("zk", "127.0.0.1:2181"),
        Duration.ofMillis(r.integer("session-timeout-ms", 10_000, 1_000, 120_000)),
        Duration.ofMillis(r.integer("connection-timeout-ms", 5_000, 500, 120_000)),
        r.integer("vnodes", Ring.DEFAULT_VNODES, 1, 10_000),
        r.integer("weight", 1, 1, 100),
        r.integer("replication", 2, 1, 5),
        r.choice("ack", AckMode.class, AckMode.REPLICAS),
        r.integer("min-nodes", 1, 1, 1000),
        r.choice("partition-mode", PartitionMode.class, PartitionMode.AVAILABLE),
        r.choice("names", NamingMode.class, NamingMode.ZOOKEEPER),
        r.integer("max-body-bytes", 65_536, 16, 16 * 1024 * 1024),
        Duration.ofMillis(r.integer("body-timeout-ms", 10_000, 100, 600_000)),
        r.integer("mailbox-capacity", 1000, 1, 1_000_000),
        r.integer("idempotency-window", 64, 1, 1024),
        r.integer("detached-log-limit", 1024, 1, 100_000),
        Duration.ofMillis(r.integer("forward-timeout-ms", 5_000, 100, 120_000)),
        Duration.ofMillis(r.integer("route-wait-ms", 3_000, 0, 120_000)),
        r.integer("forward-retries", 3, 0, 10),
        r.integer("worker-threads", 2 * Runtime.getRuntime().availableProcessors(), 1, 1024),
        r.name("request-type", null),
        Map.copyOf(types),
        peerSettings(r, host, port),
        storeSettings(r));
    if ((long) s.detachedLogLimit() * s.maxBodyBytes() > dev.ringleader.supervisor.internal.peer.PeerClient.MERGE_MAX_BYTES) {
      throw new SettingsException("invalid settings --detached-log-limit=" + s.detachedLogLimit() + " and --max-body-bytes="
          + s.maxBodyBytes() + ": a detached worker's changes (their product) must fit in one merge of at most "
          + dev.ringleader.supervisor.internal.peer.PeerClient.MERGE_MAX_BYTES + " bytes");
    }
    r.rejectUnknown();
    return s;
  }

  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]{1,253}):(\\d{1,5})");

  private static PeerSettings peerSettings(Values r, String host, int port) {
    int peerPort = r.integer("peer-port", port + 1000 <= 65535 ? port + 1000 : -1, 0, 65535);
    if (peerPort == -1) {
      throw new SettingsException("missing setting --peer-port: the default (--port + 1000) is above 65535");
    }
    if (peerPort == port && port != 0) {
      throw new SettingsException("invalid setting --peer-port=" + peerPort + ": must differ from --port");
    }
    String advertise = r.string("advertise-peer", null);
    if (advertise != null) {
      var m = HOST_PORT.matcher(advertise);
      if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
        throw new SettingsException("invalid setting --advertise-peer=" + advertise + ": must be host:port");
      }
    } else if (peerPort != 0) {
      advertise = (host.contains(":") ? "[" + host + "]" : host) + ":" + peerPort;
    }
    byte[] secret = secret(r);
    String token = r.string("admin-token", null);
    if (token != null && token.length() < 16) {
      throw new SettingsException("invalid setting --admin-token: must be at least 16 characters");
    }
    boolean acl = r.isDefault("zk-acl", "on", "off");
    int probe = r.integer("crash-probe-ms", 100, 0, 10_000);
    if (probe > 0 && probe < 20) {
      throw new SettingsException("invalid setting --crash-probe-ms=" + probe + ": must be 0 (off) or 20-10000");
    }
    return new PeerSettings(peerPort, advertise, secret, token, acl, Duration.ofMillis(probe));
  }

  private static StoreSettings storeSettings(Values r) {
    Durability durability = r.choice("durability", Durability.class, Durability.MEMORY);
    String dir = r.string("data-dir", null);
    boolean discard = !r.isDefault("store-corrupt", "refuse", "discard");
    if (durability != Durability.MEMORY && dir == null) {
      throw new SettingsException("missing setting --data-dir: --durability=" + durability.setting()
          + " keeps this node's states in a store under it");
    }
    Path path = null;
    if (dir != null) {
      try {
        path = Path.of(dir).toAbsolutePath();
      } catch (java.nio.file.InvalidPathException e) {
        throw new SettingsException("invalid setting --data-dir=" + dir + ": " + e.getMessage());
      }
      if (Files.exists(path) && !Files.isDirectory(path)) {
        throw new SettingsException("invalid setting --data-dir=" + dir + ": not a directory");
      }
    }
    int cache = r.integer("state-cache", dev.ringleader.supervisor.internal.replication.StateStore.DEFAULT_CACHE, 0,
        10_000_000);
    boolean enforce = r.isDefault("durability-check", "enforce", "warn");
    return new StoreSettings(durability, path, discard, cache, enforce);
  }

  /** The cluster secret from --cluster-secret-file or --cluster-secret (one of them, not both). */
  private static byte[] secret(Values r) {
    String file = r.string("cluster-secret-file", null);
    String inline = r.string("cluster-secret", null);
    if (file != null && inline != null) {
      throw new SettingsException("invalid settings --cluster-secret-file and --cluster-secret: give one of them");
    }
    byte[] secret;
    if (file != null) {
      try {
        secret = new String(Files.readAllBytes(Path.of(file)), java.nio.charset.StandardCharsets.UTF_8).strip()
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException | java.nio.file.InvalidPathException e) {
        throw new SettingsException("invalid setting --cluster-secret-file=" + file + ": cannot read it (" + e.getMessage() + ")");
      }
    } else if (inline != null) {
      secret = inline.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } else {
      throw new SettingsException("missing setting --cluster-secret-file (or RINGLEADER_CLUSTER_SECRET): the nodes "
          + "of a cluster prove membership to each other with a shared secret of at least 16 bytes");
    }
    if (secret.length < 16) {
      throw new SettingsException("invalid setting --" + (file != null ? "cluster-secret-file" : "cluster-secret")
          + ": the secret has " + secret.length + " bytes, at least 16 are needed");
    }
    return secret;
  }

  /** Reads and validates one value at a time, remembering which names were used. */
  private static final class Values {
    private final Map<String, String> values;
    private final java.util.Set<String> used = new java.util.HashSet<>();

    Values(Map<String, String> values) {
      this.values = values;
    }

    /**
     * A setting that is one of two words, the default first; true when it is the default. Anything
     * else is refused, naming both.
     */
    boolean isDefault(String name, String byDefault, String other) {
      String v = string(name, byDefault);
      if (!v.equals(byDefault) && !v.equals(other)) {
        throw new SettingsException("invalid setting --" + name + "=" + v + ": must be " + byDefault + "|" + other);
      }
      return v.equals(byDefault);
    }

    String string(String name, String def) {
      used.add(name);
      String v = values.get(name);
      if (v == null) {
        return def;
      }
      v = v.trim();
      if (v.isEmpty()) {
        throw new SettingsException("invalid setting --" + name + ": empty value");
      }
      return v;
    }

    String name(String name, String def) {
      String v = string(name, def);
      if (v != null && !NAME.matcher(v).matches()) {
        throw new SettingsException("invalid setting --" + name + "=" + v
            + ": must be 1-64 letters, digits, '-' or '_'");
      }
      return v;
    }

    int integer(String name, int def, int min, int max) {
      String v = string(name, null);
      if (v == null) {
        return def;
      }
      long n;
      try {
        n = Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new SettingsException("invalid setting --" + name + "=" + v + ": must be an integer " + min + "-" + max);
      }
      if (n < min || n > max) {
        throw new SettingsException("invalid setting --" + name + "=" + v + ": must be " + min + "-" + max);
      }
      return (int) n;
    }

    /** An IPv4 or IPv6 literal (never a host name: no lookup), or null when the setting is absent. */
    InetAddress address(String name) {
      String v = string(name, null);
      if (v == null) {
        return null;
      }
      if (IPV4.matcher(v).matches() || IPV6.matcher(v).matches()) {
        try {
          return InetAddress.getByName(v); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
          // not a valid IPv6 literal after all
        }
      }
      throw new SettingsException("invalid setting --" + name + "=" + v + ": must be an IPv4 or IPv6 address literal");
    }

    <E extends Enum<E>> E choice(String name, Class<E> type, E def) {
      String v = string(name, null);
      if (v == null) {
        return def;
      }
      try {
        return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        StringBuilder allowed = new StringBuilder();
        for (E c : type.getEnumConstants()) {
          allowed.append(allowed.length() == 0 ? "" : "|").append(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new SettingsException("invalid setting --" + name + "=" + v + ": must be " + allowed);
      }
    }

    void rejectUnknown() {
      for (String k : values.keySet()) {
        if (!used.contains(k) && !TYPE_KEY.matcher(k).matches()) {
          throw new SettingsException("unknown setting --" + k + " (node --help lists them)");
        }
      }
    }
  }
}
