package dev.ringleader.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.worker.BadMessageException;
import dev.ringleader.worker.PNCounter;
import dev.ringleader.worker.Step;
import dev.ringleader.worker.WorkerContext;
import dev.ringleader.worker.WorkerType;
import java.time.Duration;
import java.util.Map;

/**
 * Seed 000's player: {@code {"reward": n}} adds n (negative allowed) to a score kept as a PN-counter,
 * so that rewards accepted on both sides of a netsplit all count when the sides merge. A reward
 * that is not an integer crashes the worker on purpose (as in the seed); the score survives.
 */
public final class PlayerType implements WorkerType<PlayerType.Player> {
  /** A player's state: the score as a mergeable counter. */
  public record Player(PNCounter score) {}

  @Override
  public String name() {
    return "player";
  }

  @Override
  public Class<Player> stateClass() {
    return Player.class;
  }

  @Override
  public Player initialState(WorkerContext context) {
    return new Player(PNCounter.zero());
  }

  @Override
  public Step<Player> handle(Player state, JsonNode message, WorkerContext context) {
    JsonNode reward = message.get("reward");
    if (!message.isObject() || reward == null) {
      throw new BadMessageException("a player message is {\"reward\": <integer>}");
    }
    if (!reward.isIntegralNumber() || !reward.canConvertToLong()) {
      // The seed's crash: the handler fails, the supervisor restarts it with the last state.
      throw new IllegalArgumentException("reward " + reward + " is not an integer: the player crashed");
    }
    Player next = new Player(state.score().add(context.writer(), reward.longValue()));
    return Step.of(next, Map.of("score", next.score().value()));
  }

  @Override
  public Object view(Player state, WorkerContext context) {
    return Map.of("score", state.score().value(), "counter", state.score());
  }

  @Override
  public boolean mergeable() {
    return true;
  }

  @Override
  public Player merge(Player survivor, Player other) {
    return new Player(survivor.score().merge(other.score()));
  }

  @Override
  public Duration idleTimeout() {
    return Duration.ofMinutes(2);
  }
}
