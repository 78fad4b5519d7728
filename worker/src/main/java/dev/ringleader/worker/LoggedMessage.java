package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A message a handler applied, with the idempotency key it was applied under: what a detached
 * activation keeps so that the conflict resolver can replay its changes into the survivor, leaving
 * out every key the survivor already applied (docs/conflict-resolution.md, "the merge").
 *
 * @param requestKey the caller's idempotency key; never null in a detached activation's log (the
 *     supervisor names unkeyed messages itself so that a repeated merge replays them once)
 * @param message the message as the handler received it
 */
public record LoggedMessage(String requestKey, JsonNode message) {
  public LoggedMessage {
    Objects.requireNonNull(message, "message");
  }
}
