package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;

/** Worker types and helpers shared by the tests. */
final class TestTypes {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private TestTypes() {}

  /** A handler as a lambda. */
  @FunctionalInterface
  interface Handler<S> {
    Step<S> handle(S state, JsonNode message, WorkerContext context) throws Exception;
  }

  /** A worker type made of an initial state and a handler; idle timeout and lifetime never. */
  static <S> WorkerType<S> type(String name, Class<S> stateClass, S initial, Handler<S> handler) {
    return new WorkerType<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Class<S> stateClass() {
        return stateClass;
      }

      @Override
      public S initialState(WorkerContext context) {
        return initial;
      }

      @Override
      public Step<S> handle(S state, JsonNode message, WorkerContext context) throws Exception {
        return handler.handle(state, message, context);
      }

      @Override
      public Duration idleTimeout() {
        return Duration.ZERO;
      }
    };
  }

  /**
   * A counter: {@code {"add": n}} adds n and replies {@code {"value": total}}; {@code {"crash":
   * true}} throws.
   */
  static WorkerType<Long> counter() {
    return type(
        "counter",
        Long.class,
        0L,
        (state, message, context) -> {
          if (message.path("crash").asBoolean()) {
            throw new IllegalArgumentException("asked to crash");
          }
          long next = state + message.path("add").asLong();
          return Step.of(next, Map.of("value", next));
        });
  }

  static JsonNode add(long n) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("add", n);
    return node;
  }

  static JsonNode crash() {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("crash", true);
    return node;
  }

  /** Limits with no timers and the given mailbox capacity. */
  static WorkerLimits limits(int mailboxCapacity) {
    return new WorkerLimits(
        Duration.ZERO, Duration.ZERO, mailboxCapacity, RestartPolicy.DEFAULT, 32);
  }
}
