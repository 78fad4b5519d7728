package dev.ringleader.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.Step;
import dev.ringleader.worker.WorkerContext;
import dev.ringleader.worker.WorkerType;
import java.util.Map;

/**
 * A worker that calls other workers from its handler: {@code {"to": id, "add": n}} tells counter
 * {@code id} to add n (without waiting for its reply) and counts what it relayed;
 * {@code {"stop": true}} passivates itself.
 */
final class RelayType implements WorkerType<Long> {
  @Override
  public String name() {
    return "relay";
  }

  @Override
  public Class<Long> stateClass() {
    return Long.class;
  }

  @Override
  public Long initialState(WorkerContext context) {
    return 0L;
  }

  @Override
  public Step<Long> handle(Long state, JsonNode message, WorkerContext context) {
    if (message.path("stop").asBoolean()) {
      context.passivate();
      return Step.of(state, Map.of("relayed", state));
    }
    long add = message.path("add").asLong();
    context.tell("counter", message.path("to").asText(), Map.of("add", add), message.path("key").asText(null));
    return Step.of(state + add, Map.of("relayed", state + add));
  }
}
