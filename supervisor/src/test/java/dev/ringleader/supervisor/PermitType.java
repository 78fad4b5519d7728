package dev.ringleader.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.PartitionMode;
import dev.ringleader.worker.Step;
import dev.ringleader.worker.WorkerContext;
import dev.ringleader.worker.WorkerType;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A counter whose handler waits for a permit of {@link #gate} (at most 30 s) before it adds one, so
 * a test can hold a message in the handler while others queue behind it.
 */
final class PermitType implements WorkerType<Long> {
  final Semaphore gate = new Semaphore(0);
  /** Handlers currently waiting at the gate. */
  final AtomicInteger waiting = new AtomicInteger();
  private final PartitionMode mode;

  PermitType(PartitionMode mode) {
    this.mode = mode;
  }

  @Override
  public String name() {
    return "permit";
  }

  @Override
  public PartitionMode partitionMode() {
    return mode;
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
  public Step<Long> handle(Long state, JsonNode message, WorkerContext context) throws Exception {
    waiting.incrementAndGet();
    try {
      if (!gate.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
    } finally {
      waiting.decrementAndGet();
    }
    return Step.of(state + 1, Map.of("total", state + 1));
  }

  @Override
  public Object view(Long state, WorkerContext context) {
    return Map.of("total", state);
  }
}
