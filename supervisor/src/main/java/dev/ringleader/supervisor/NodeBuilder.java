package dev.ringleader.supervisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ringleader.worker.WorkerType;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link RingleaderNode}: {@code RingleaderNode.builder().settings(s).workerType(t).build()}.
 * Settings and at least one worker type are required; a meter registry of your own (the node's
 * meters are registered there too, beside its own Prometheus registry for {@code /metrics}) and
 * cluster listeners and an {@code ObjectMapper} for in-process calls are optional. Not thread-safe.
 */
public final class NodeBuilder {
  private Settings settings;
  private final List<WorkerType<?>> types = new ArrayList<>();
  private final List<ClusterListener> listeners = new ArrayList<>();
  private MeterRegistry meters;
  private ObjectMapper mapper;

  NodeBuilder() {}

  public NodeBuilder settings(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    return this;
  }

  public NodeBuilder workerType(WorkerType<?> type) {
    types.add(Objects.requireNonNull(type, "type"));
    return this;
  }

  public NodeBuilder workerTypes(Collection<? extends WorkerType<?>> types) {
    types.forEach(this::workerType);
    return this;
  }

  /** Also registers the node's meters in {@code registry} (e.g. your application's). */
  public NodeBuilder meterRegistry(MeterRegistry registry) {
    this.meters = Objects.requireNonNull(registry, "registry");
    return this;
  }

  /**
   * The mapper that turns the objects given to {@link WorkerRef#ask} into JSON and typed replies
   * back (your modules, naming, dates). Default: a plain {@code ObjectMapper}. The wire format and
   * the workers' own state codecs do not change.
   */
  public NodeBuilder objectMapper(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    return this;
  }

  public NodeBuilder listener(ClusterListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** A node, not started yet ({@link RingleaderNode#start()}). */
  public RingleaderNode build() {
    if (settings == null) {
      throw new IllegalStateException("a node needs settings: NodeBuilder.settings(Settings.builder()...build())");
    }
    if (types.isEmpty()) {
      throw new IllegalStateException("a node needs at least one worker type: NodeBuilder.workerType(...)");
    }
    return new RingleaderNode(settings, types, meters, listeners, mapper);
  }
}
