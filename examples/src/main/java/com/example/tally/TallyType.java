package com.example.tally;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.BadMessageException;
import dev.ringleader.worker.PNCounter;
import dev.ringleader.worker.Step;
import dev.ringleader.worker.WorkerContext;
import dev.ringleader.worker.WorkerType;
import java.util.Map;

/**
 * The example's own worker type: one tally per ID. {@code {"add": n}} adds n and replies the total.
 * Its state is a PN-counter, so tallies taken on both sides of a netsplit all count when it heals.
 */
public final class TallyType implements WorkerType<TallyType.Tally> {
  /** The state: kept on passivation, copied to a second node on every change. */
  public record Tally(PNCounter count) {}

  @Override
  public String name() {
    return "tally";
  }

  @Override
  public Class<Tally> stateClass() {
    return Tally.class;
  }

  @Override
  public Tally initialState(WorkerContext context) {
    return new Tally(PNCounter.zero());
  }

  @Override
  public Step<Tally> handle(Tally state, JsonNode message, WorkerContext context) {
    JsonNode add = message.get("add");
    if (add == null || !add.isIntegralNumber()) {
      throw new BadMessageException("a tally message is {\"add\": <integer>}");
    }
    Tally next = new Tally(state.count().add(context.writer(), add.longValue()));
    return Step.of(next, Map.of("total", next.count().value(), "node", context.node()));
  }

  @Override
  public Object view(Tally state, WorkerContext context) {
    return Map.of("total", state.count().value());
  }

  @Override
  public boolean mergeable() {
    return true;
  }

  @Override
  public Tally merge(Tally survivor, Tally other) {
    return new Tally(survivor.count().merge(other.count()));
  }
}
