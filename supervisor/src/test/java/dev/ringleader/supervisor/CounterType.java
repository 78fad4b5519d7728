package dev.ringleader.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.BadMessageException;
import dev.ringleader.worker.PNCounter;
import dev.ringleader.worker.PartitionMode;
import dev.ringleader.worker.Step;
import dev.ringleader.worker.WorkerContext;
import dev.ringleader.worker.WorkerType;
import java.util.Map;

/** A test type like the demo's player: {"add": n} adds n; a non-integer crashes it. */
final class CounterType implements WorkerType<CounterType.Counter> {
  record Counter(PNCounter total) {}

  private final String name;
  private final PartitionMode mode;

  CounterType() {
    this("counter", null);
  }

  /** A counter type with its own name and partition mode (null: the cluster's). */
  CounterType(String name, PartitionMode mode) {
    this.name = name;
    this.mode = mode;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public PartitionMode partitionMode() {
    return mode;
  }

  @Override
  public Class<Counter> stateClass() {
    return Counter.class;
  }

  @Override
  public Counter initialState(WorkerContext context) {
    return new Counter(PNCounter.zero());
  }

  @Override
  public Step<Counter> handle(Counter state, JsonNode message, WorkerContext context) {
    JsonNode add = message.get("add");
    if (add == null) {
      throw new BadMessageException("a counter message is {\"add\": <integer>}");
    }
    if (!add.isIntegralNumber()) {
      throw new IllegalArgumentException("not an integer: " + add);
    }
    Counter next = new Counter(state.total().add(context.writer(), add.longValue()));
    return Step.of(next, Map.of("total", next.total().value()));
  }

  @Override
  public Object view(Counter state, WorkerContext context) {
    return Map.of("total", state.total().value(), "counter", state.total());
  }

  @Override
  public boolean mergeable() {
    return true;
  }

  @Override
  public Counter merge(Counter survivor, Counter other) {
    return new Counter(survivor.total().merge(other.total()));
  }
}
