package dev.ringleader.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.BadMessageException;
import dev.ringleader.worker.PNCounter;
import dev.ringleader.worker.Step;
import dev.ringleader.worker.WorkerContext;
import dev.ringleader.worker.WorkerType;
import java.util.Map;

/**
 * A test type like the demo's player: {@code {"reward": n}} adds n to a mergeable score and replies
 * {@code {"score": total}}; a non-integer reward crashes it; {@code {}} (what {@code GET
 * /request/{id}} sends) replies the score unchanged; anything else is a bad message.
 */
final class ScoreType implements WorkerType<ScoreType.Score> {
  record Score(PNCounter score) {}

  /** The typed reply a client reads. */
  record ScoreReply(long score) {}

  @Override
  public String name() {
    return "score";
  }

  @Override
  public Class<Score> stateClass() {
    return Score.class;
  }

  @Override
  public Score initialState(WorkerContext context) {
    return new Score(PNCounter.zero());
  }

  @Override
  public Step<Score> handle(Score state, JsonNode message, WorkerContext context) {
    if (message.isObject() && message.isEmpty()) {
      return Step.of(state, Map.of("score", state.score().value()));
    }
    JsonNode reward = message.get("reward");
    if (!message.isObject() || reward == null) {
      throw new BadMessageException("a score message is {\"reward\": <integer>}");
    }
    if (!reward.isIntegralNumber()) {
      throw new IllegalArgumentException("reward " + reward + " is not an integer: crashed on purpose");
    }
    Score next = new Score(state.score().add(context.writer(), reward.longValue()));
    return Step.of(next, Map.of("score", next.score().value()));
  }

  @Override
  public Object view(Score state, WorkerContext context) {
    return Map.of("score", state.score().value());
  }

  @Override
  public boolean mergeable() {
    return true;
  }

  @Override
  public Score merge(Score survivor, Score other) {
    return new Score(survivor.score().merge(other.score()));
  }
}
