package dev.ringleader.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.Step;
import dev.ringleader.worker.WorkerContext;
import dev.ringleader.worker.WorkerType;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Seed 004's short-lived cache: {@code request(id)} gives a random value 1-1000 and the node's name;
 * the worker ends 5 s after it starts and the next request starts a new one. Its state does not
 * outlive it.
 */
public final class CacheType implements WorkerType<CacheType.Entry> {
  /** What {@code GET /request/{id}} answers. */
  public record Entry(String id, int value, String node, String createdAt, String expiresAt) {}

  @Override
  public String name() {
    return "cache";
  }

  @Override
  public Class<Entry> stateClass() {
    return Entry.class;
  }

  @Override
  public Entry initialState(WorkerContext context) {
    return new Entry(context.key().id(), ThreadLocalRandom.current().nextInt(1, 1001), context.node(),
        context.startedAt().toString(), context.expiresAt().map(Object::toString).orElse(null));
  }

  @Override
  public Step<Entry> handle(Entry state, JsonNode message, WorkerContext context) {
    return Step.of(state, state);
  }

  @Override
  public Duration idleTimeout() {
    return Duration.ZERO;
  }

  @Override
  public Duration maxLifetime() {
    return Duration.ofSeconds(5);
  }

  @Override
  public boolean stateOutlivesPassivation() {
    return false;
  }
}
