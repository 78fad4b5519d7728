package dev.ringleader.supervisor;

import dev.ringleader.worker.PartitionMode;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of a node, immutable, validated in one place ({@link SettingsReader}) whichever way
 * they are made: {@link #builder()} in code, {@link #of(Map)} from names and values, {@link #parse}
 * from a properties file ({@code --config}), then environment variables ({@code RINGLEADER_*}), then
 * flags ({@code --name value}), a later source winning. There is no public constructor: no
 * settings skip validation. {@link Setting#ALL} documents each one.
 */
public final class Settings {
  /** Per-type overrides of a worker type's idle timeout and lifetime; null means the type's own. */
  public record TypeLimits(Duration idleTimeout, Duration lifetime) {}

  private final String cluster;
  private final String nodeId;
  private final String host;
  private final int port;
  private final String advertiseUrl;
  private final InetAddress peerBindAddress;
  private final String zk;
  private final Duration sessionTimeout;
  private final Duration connectionTimeout;
  private final int vnodes;
  private final int weight;
  private final int replication;
  private final AckMode ack;
  private final int minNodes;
  private final PartitionMode partitionMode;
  private final NamingMode names;
  private final int maxBodyBytes;
  private final Duration bodyTimeout;
  private final int mailboxCapacity;
  private final int idempotencyWindow;
  private final int detachedLogLimit;
  private final Duration forwardTimeout;
  private final Duration routeWait;
  private final int forwardRetries;
  private final int workerThreads;
  private final String requestType;
  private final Map<String, TypeLimits> typeLimits;
  private final PeerSettings peer;
  private final StoreSettings store;

  /** Only {@link SettingsReader} makes settings, after validating every value. */
  Settings(
      String cluster,
      String nodeId,
      String host,
      int port,
      String advertiseUrl,
      InetAddress peerBindAddress,
      String zk,
      Duration sessionTimeout,
      Duration connectionTimeout,
      int vnodes,
      int weight,
      int replication,
      AckMode ack,
      int minNodes,
      PartitionMode partitionMode,
      NamingMode names,
      int maxBodyBytes,
      Duration bodyTimeout,
      int mailboxCapacity,
      int idempotencyWindow,
      int detachedLogLimit,
      Duration forwardTimeout,
      Duration routeWait,
      int forwardRetries,
      int workerThreads,
      String requestType,
      Map<String, TypeLimits> typeLimits,
      PeerSettings peer,
      StoreSettings store) {
    this.cluster = cluster;
    this.nodeId = nodeId;
    this.host = host;
    this.port = port;
    this.advertiseUrl = advertiseUrl;
    this.peerBindAddress = peerBindAddress;
    this.zk = zk;
    this.sessionTimeout = sessionTimeout;
    this.connectionTimeout = connectionTimeout;
    this.vnodes = vnodes;
    this.weight = weight;
    this.replication = replication;
    this.ack = ack;
    this.minNodes = minNodes;
    this.partitionMode = partitionMode;
    this.names = names;
    this.maxBodyBytes = maxBodyBytes;
    this.bodyTimeout = bodyTimeout;
    this.mailboxCapacity = mailboxCapacity;
    this.idempotencyWindow = idempotencyWindow;
    this.detachedLogLimit = detachedLogLimit;
    this.forwardTimeout = forwardTimeout;
    this.routeWait = routeWait;
    this.forwardRetries = forwardRetries;
    this.workerThreads = workerThreads;
    this.requestType = requestType;
    this.typeLimits = typeLimits;
    this.peer = peer;
    this.store = store;
  }

  /** Builds settings from flags, environment and (if named) a properties file; see the class comment. */
  public static Settings parse(String[] args, Map<String, String> env) {
    return SettingsReader.parse(args, env);
  }

  /** Validates a name -> value map (names as in {@link Setting#ALL}); unknown names are an error. */
  public static Settings of(Map<String, String> values) {
    return SettingsReader.read(values);
  }

  /** A builder whose {@link Builder#build()} validates like {@link #of(Map)}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The settings of one demo node on loopback: short session timeout, two nodes minimum, peer port
   * {@code port + 1000}, and the given cluster secret (at least 16 bytes).
   */
  public static Settings localDemo(String id, int port, String zk, String clusterSecret) {
    return of(Map.of("id", id, "port", Integer.toString(port), "zk", zk,
        "session-timeout-ms", "4000", "min-nodes", "2", "cluster-secret", clusterSecret));
  }

  /** The limits of a type after the per-type overrides. */
  public TypeLimits limitsFor(String type) {
    return typeLimits.getOrDefault(type, new TypeLimits(null, null));
  }

  /**
   * Settings in code, by the same names as the flags ({@link Setting#ALL}); {@link #build()}
   * validates every value exactly as {@link Settings#of(Map)} does and throws a {@link
   * SettingsException} naming the first bad one. Not thread-safe; use one per node.
   */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();

    private Builder() {}

    /** Any setting by its flag name, e.g. {@code set("replication", 2)}; the value as its text. */
    public Builder set(String name, Object value) {
      values.put(java.util.Objects.requireNonNull(name, "name"), String.valueOf(value));
      return this;
    }

    public Builder cluster(String name) {
      return set("cluster", name);
    }

    public Builder nodeId(String id) {
      return set("id", id);
    }

    public Builder host(String host) {
      return set("host", host);
    }

    public Builder port(int port) {
      return set("port", port);
    }

    /** The ZooKeeper connect string, e.g. {@code 127.0.0.1:2181}. */
    public Builder zookeeper(String connectString) {
      return set("zk", connectString);
    }

    public Builder sessionTimeout(Duration timeout) {
      return set("session-timeout-ms", timeout.toMillis());
    }

    public Builder replication(int copies) {
      return set("replication", copies);
    }

    public Builder minNodes(int nodes) {
      return set("min-nodes", nodes);
    }

    public Builder partitionMode(PartitionMode mode) {
      return set("partition-mode", mode.name().toLowerCase(Locale.ROOT));
    }

    public Builder names(NamingMode mode) {
      return set("names", mode.name().toLowerCase(Locale.ROOT));
    }

    /** The worker type {@code GET /request/{id}} talks to (none by default). */
    public Builder requestType(String type) {
      return set("request-type", type);
    }

    /** Validates and builds. */
    /** The peer port (node-to-node calls); 0: any free port. Default: {@code port + 1000}. */
    public Builder peerPort(int port) {
      return set("peer-port", port);
    }

    /** The shared secret every node of the cluster proves on its peer connections (>= 16 bytes). */
    public Builder clusterSecret(String secret) {
      return set("cluster-secret", secret);
    }

    /** The token {@code POST /admin/leave} must carry; without one, admin actions are off. */
    public Builder adminToken(String token) {
      return set("admin-token", token);
    }

    public Settings build() {
      return SettingsReader.read(values);
    }
  }

  public String cluster() {
    return cluster;
  }

  public String nodeId() {
    return nodeId;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String advertiseUrl() {
    return advertiseUrl;
  }

  public InetAddress peerBindAddress() {
    return peerBindAddress;
  }

  /** The peer port asked for (0: any free one; {@link RingleaderNode#peerPort()} tells which). */
  public int peerPort() {
    return peer.port();
  }

  /** The {@code host:port} other nodes dial, or null to derive it from the host and the bound port. */
  public String advertisePeer() {
    return peer.advertise();
  }

  byte[] clusterSecret() {
    return peer.clusterSecret().clone();
  }

  /** The admin token, or null when admin actions are off on the client port. */
  String adminToken() {
    return peer.adminToken();
  }

  /** Where this node keeps the states it holds (setting {@code durability}, docs/durability.md). */
  public Durability durability() {
    return store.durability();
  }

  /** The node's data directory (setting {@code data-dir}); null when none was given. */
  public java.nio.file.Path dataDir() {
    return store.dataDir();
  }

  /** True when a corrupt state store is moved aside and the node starts empty (setting {@code store-corrupt=discard}). */
  public boolean discardCorruptStore() {
    return store.discardCorrupt();
  }

  /**
   * With a durability on disk, how many states the heap keeps in front of the store (Caffeine: the
   * recently and often used stay; setting {@code state-cache}); the rest are read from disk when needed.
   */
  public int stateCache() {
    return store.stateCache();
  }

  /**
   * True when a node whose durability differs from a member's does not start (setting {@code
   * durability-check=enforce}, the default); false ({@code warn}) logs it and joins, for a rolling
   * change of mode.
   */
  public boolean durabilityCheckEnforced() {
    return store.durabilityCheckEnforced();
  }

  /**
   * How often the crash detector probes the members it judges (setting {@code crash-probe-ms},
   * docs/failover.md); zero when the fast path is off and only session expiry ends a crashed node.
   */
  public Duration crashProbe() {
    return peer.crashProbe();
  }

  /** True when the node's znodes get digest ACLs (setting {@code zk-acl}). */
  public boolean zkAcl() {
    return peer.zkAcl();
  }

  public String zk() {
    return zk;
  }

  public Duration sessionTimeout() {
    return sessionTimeout;
  }

  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  public int vnodes() {
    return vnodes;
  }

  public int weight() {
    return weight;
  }

  public int replication() {
    return replication;
  }

  public AckMode ack() {
    return ack;
  }

  public int minNodes() {
    return minNodes;
  }

  public PartitionMode partitionMode() {
    return partitionMode;
  }

  /** Where the workers' global names are held. */
  public NamingMode names() {
    return names;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  public Duration bodyTimeout() {
    return bodyTimeout;
  }

  public int mailboxCapacity() {
    return mailboxCapacity;
  }

  public int idempotencyWindow() {
    return idempotencyWindow;
  }

  public int detachedLogLimit() {
    return detachedLogLimit;
  }

  public Duration forwardTimeout() {
    return forwardTimeout;
  }

  public Duration routeWait() {
    return routeWait;
  }

  public int forwardRetries() {
    return forwardRetries;
  }

  public int workerThreads() {
    return workerThreads;
  }

  public String requestType() {
    return requestType;
  }

  public Map<String, TypeLimits> typeLimits() {
    return typeLimits;
  }
}
