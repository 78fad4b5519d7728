package dev.ringleader.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.Step;
import dev.ringleader.worker.WorkerContext;
import dev.ringleader.worker.WorkerType;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A counter (type {@code gate}) whose message {@code {"add": n, "hold": true}} waits in its handler
 * until the test opens the gate (at most 30 s): a test can hold a change between "taken" and
 * "committed" while it changes the cluster around it.
 */
final class GateType implements WorkerType<CounterType.Counter> {
  private final CounterType counter = new CounterType("gate", null);
  /** Counted down when a held message has entered the handler. */
  final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch open = new CountDownLatch(1);

  void open() {
    open.countDown();
  }

  @Override
  public String name() {
    return "gate";
  }

  @Override
  public Class<CounterType.Counter> stateClass() {
    return CounterType.Counter.class;
  }

  @Override
  public CounterType.Counter initialState(WorkerContext context) {
    return counter.initialState(context);
  }

  @Override
  public Step<CounterType.Counter> handle(CounterType.Counter state, JsonNode message, WorkerContext context)
      throws Exception {
    if (message.path("hold").asBoolean(false)) {
      entered.countDown();
      if (!open.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
    }
    return counter.handle(state, message, context);
  }

  @Override
  public Object view(CounterType.Counter state, WorkerContext context) {
    return counter.view(state, context);
  }
}
