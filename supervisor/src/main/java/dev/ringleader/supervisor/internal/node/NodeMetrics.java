package dev.ringleader.supervisor.internal.node;

import dev.ringleader.worker.StopReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The node's metrics, in a Micrometer registry rendered as Prometheus text at {@code /metrics}. */
public final class NodeMetrics {
  /** Rendered at {@code /metrics}. */
  private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** Where meters are registered: the Prometheus registry, and the embedding application's if it gave one. */
  private final io.micrometer.core.instrument.MeterRegistry registry;
  private final String node;

  public NodeMetrics(String node) {
    this(node, null);
  }

  public NodeMetrics(String node, io.micrometer.core.instrument.MeterRegistry application) {
    this.node = node;
    if (application == null) {
      prometheus.config().commonTags("node", node);
      registry = prometheus;
    } else {
      var both = new io.micrometer.core.instrument.composite.CompositeMeterRegistry();
      both.add(prometheus);
      both.add(application);
      both.config().commonTags("node", node);
      registry = both;
    }
    replicationHeld = replicationTimer("held");
    replicationFailed = replicationTimer("failed");
  }

  /** The node's own gauges: live and detached workers, ring epoch, members, leadership, ZooKeeper, refusals. */
  public void nodeGauges(Supplier<Number> live, Supplier<Number> detached, Supplier<Number> epoch,
      Supplier<Number> members, java.util.function.BooleanSupplier leader,
      java.util.function.BooleanSupplier zookeeper, Supplier<Number> refusedPeers) {
    gauge("ringleader_workers_live", "workers live on this node", live);
    gauge("ringleader_workers_detached", "activations serving without a global name (partition mode "
        + "available), waiting for the conflict resolver", detached);
    gauge("ringleader_ring_epoch", "the ring epoch this node sees", epoch);
    gauge("ringleader_members", "members ZooKeeper lists", members);
    gauge("ringleader_leader", "1 when this node leads", () -> leader.getAsBoolean() ? 1 : 0);
    gauge("ringleader_zookeeper_connected", "1 when connected to ZooKeeper", () -> zookeeper.getAsBoolean() ? 1 : 0);
    gauge("ringleader_peer_connections_refused", "peer connections closed since start because they did not prove "
        + "the cluster secret or broke the protocol", refusedPeers);
  }

  public void gauge(String name, String help, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.builder(name, value).description(help).register(registry);
  }

  /** Meters on the request path, built once per tag combination (building one per request is costly). */
  private final java.util.concurrent.ConcurrentHashMap<String, Timer> requestTimers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentHashMap<String, Counter> forwardCounters =
      new java.util.concurrent.ConcurrentHashMap<>();

  public void request(String type, String kind, int status, long nanos) {
    requestTimers.computeIfAbsent(type + '|' + kind + '|' + status, k -> Timer.builder("ringleader_requests")
            .description("requests answered by this node, by worker type, kind and outcome")
            .tag("type", type).tag("kind", kind.toLowerCase(Locale.ROOT)).tag("status", Integer.toString(status))
            .publishPercentileHistogram()
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A copy sent to a backup: {@code whole}, {@code delta}, or {@code delta_refused} (then sent whole). */
  public void copySent(String kind) {
    copyCounters.computeIfAbsent(kind, k -> Counter.builder("ringleader_copies")
        .description("copies sent to backups, by kind: whole, delta (one reply of the window), delta_refused")
        .tag("kind", k).register(registry)).increment();
  }

  private final java.util.Map<String, Counter> copyCounters = new java.util.concurrent.ConcurrentHashMap<>();

  public void forwarded(String outcome) {
    forwardCounters.computeIfAbsent(outcome, o -> Counter.builder("ringleader_forwards")
        .description("requests forwarded to the owner node").tag("outcome", o).register(registry)).increment();
  }

  public void activated(String type) {
    counter("ringleader_activations", "workers activated on this node", "type", type).increment();
  }

  public void passivated(String type, StopReason reason) {
    counter("ringleader_passivations", "workers stopped on this node, by reason", "type", type, "reason",
        reason.name().toLowerCase(Locale.ROOT)).increment();
  }

  public void restarted(String type) {
    counter("ringleader_restarts", "worker handler crashes followed by a restart", "type", type).increment();
  }

  /** An ID moved: "in" when this node activated it from another node's state, "out" when it handed one over. */
  public void handoff(String type, String direction) {
    counter("ringleader_handoffs", "workers handed over between nodes", "type", type, "direction", direction)
        .increment();
  }

  /** A probe of the crash detector: answered, refused, or silent (no answer in time: never evidence). */
  public void crashProbe(String outcome) {
    probeCounters.computeIfAbsent(outcome, o -> Counter.builder("ringleader_crash_probes")
        .description("the crash detector's probes of the members it judges, by outcome").tag("outcome", o)
        .register(registry)).increment();
  }

  private final java.util.Map<String, Counter> probeCounters = new java.util.concurrent.ConcurrentHashMap<>();

  /** The crash detector ended a crashed member's session (docs/failover.md), by the evidence it had. */
  public void crashDetected(String evidence) {
    Counter.builder("ringleader_crashes_detected").description("members declared crashed by the fast path, "
        + "their ZooKeeper session ended early, by evidence (refused, new_incarnation)")
        .tag("evidence", evidence).register(registry).increment();
  }

  public void failover(String type) {
    counter("ringleader_failovers", "workers activated from the copy of a dead node's worker", "type", type)
        .increment();
  }

  /** An activation began to serve without its name or its backups (partition mode available). */
  public void detached(String type) {
    Counter.builder("ringleader_detached_activations")
        .description("activations that served without a global name (provisional, or session lost)")
        .tag("type", type).register(registry).increment();
  }

  /**
   * The conflict resolver merged a duplicate activation's state: "survived" on the node whose worker
   * took the other's state in, "merged_away" on the node whose detached activation gave way.
   */
  public void conflictResolved(String type, String role) {
    Counter.builder("ringleader_conflicts_resolved")
        .description("duplicate activations whose states the conflict resolver merged, by role")
        .tag("type", type).tag("role", role).register(registry).increment();
  }

  private final Timer replicationHeld;
  private final Timer replicationFailed;

  private Timer replicationTimer(String outcome) {
    return Timer.builder("ringleader_replication")
        .description("copies of committed state to backups: time until held by R nodes, by outcome")
        .tag("outcome", outcome).register(registry);
  }

  /**
   * A counter built once per name and tags (building and registering a meter per event costs more
   * than the event on the request path: a Meter.Id, the registry's filters and its map).
   */
  private Counter counter(String name, String help, String... tags) {
    return counters.computeIfAbsent(name + '|' + String.join("|", tags),
        k -> Counter.builder(name).description(help).tags(tags).register(registry));
  }

  private final java.util.concurrent.ConcurrentHashMap<String, Counter> counters =
      new java.util.concurrent.ConcurrentHashMap<>();

  public void replicated(boolean ok, long nanos) {
    (ok ? replicationHeld : replicationFailed).record(nanos, TimeUnit.NANOSECONDS);
  }

  public String scrape() {
    return prometheus.scrape();
  }
}
