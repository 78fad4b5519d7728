package dev.ringleader.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.Step;
import dev.ringleader.worker.WorkerContext;
import dev.ringleader.worker.WorkerType;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** A test type like the demo's cache: a random value per activation, a short lifetime, no kept state. */
final class TickType implements WorkerType<TickType.Tick> {
  record Tick(String id, long value, String node) {}

  private final Duration lifetime;

  TickType(Duration lifetime) {
    this.lifetime = lifetime;
  }

  @Override
  public String name() {
    return "tick";
  }

  @Override
  public Class<Tick> stateClass() {
    return Tick.class;
  }

  @Override
  public Tick initialState(WorkerContext context) {
    return new Tick(context.key().id(), ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), context.node());
  }

  @Override
  public Step<Tick> handle(Tick state, JsonNode message, WorkerContext context) {
    return Step.of(state, state);
  }

  @Override
  public Duration idleTimeout() {
    return Duration.ZERO;
  }

  @Override
  public Duration maxLifetime() {
    return lifetime;
  }

  @Override
  public boolean stateOutlivesPassivation() {
    return false;
  }
}
