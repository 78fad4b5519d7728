package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.SettingsException;
import dev.ringleader.worker.PartitionMode;
import dev.ringleader.worker.RestartPolicy;
import dev.ringleader.worker.WorkerLimits;
import dev.ringleader.worker.WorkerType;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The worker types a node serves, by name, with their limits after the settings' overrides. */
public final class WorkerTypes {
  private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final Map<String, WorkerType<?>> types = new LinkedHashMap<>();
  private final Map<String, WorkerLimits> limits = new LinkedHashMap<>();
  private final Map<String, PartitionMode> modes = new LinkedHashMap<>();

  public WorkerTypes(Collection<WorkerType<?>> all, Settings settings) {
    for (WorkerType<?> t : all) {
      if (!TYPE_NAME.matcher(t.name()).matches()) {
        throw new IllegalArgumentException("worker type name '" + t.name() + "' must be 1-64 letters, digits, '-' or '_'");
      }
      if (types.putIfAbsent(t.name(), t) != null) {
        throw new IllegalArgumentException("two worker types are named '" + t.name() + "'");
      }
      Settings.TypeLimits o = settings.limitsFor(t.name());
      Duration idle = o.idleTimeout() != null ? o.idleTimeout() : t.idleTimeout();
      Duration life = o.lifetime() != null ? o.lifetime() : t.maxLifetime();
      limits.put(t.name(), new WorkerLimits(idle, life, settings.mailboxCapacity(), RestartPolicy.DEFAULT,
          settings.idempotencyWindow()));
      modes.put(t.name(), t.partitionMode() != null ? t.partitionMode() : settings.partitionMode());
    }
    for (String overridden : settings.typeLimits().keySet()) {
      if (!types.containsKey(overridden)) {
        throw new SettingsException("invalid setting type." + overridden + ".*: no worker type named '"
            + overridden + "' (known: " + types.keySet() + ")");
      }
    }
  }

  public WorkerType<?> get(String name) {
    return types.get(name);
  }

  WorkerLimits limits(String name) {
    return limits.get(name);
  }

  /** The type's partition mode: its own, or the cluster's {@code --partition-mode}. */
  public PartitionMode mode(String name) {
    return modes.get(name);
  }

  public boolean available(String name) {
    return modes.get(name) == PartitionMode.AVAILABLE;
  }

  public Collection<String> names() {
    return types.keySet();
  }
}
