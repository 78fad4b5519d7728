package dev.ringleader.worker;

import java.time.Instant;
import java.util.Optional;

/** The {@link WorkerContext} handlers of one activation see: a read-only view of it. */
final class ActivationContext implements WorkerContext {
  private final Activation<?> activation;

  ActivationContext(Activation<?> activation) {
    this.activation = activation;
  }

  @Override
  public WorkerKey key() {
    return activation.key();
  }

  @Override
  public String node() {
    return activation.node();
  }

  @Override
  public String writer() {
    return activation.writer();
  }

  @Override
  public Instant startedAt() {
    return activation.startedAt();
  }

  @Override
  public Optional<Instant> expiresAt() {
    return activation.expiresAt();
  }

  @Override
  public int restarts() {
    return activation.restarts();
  }

  @Override
  public void passivate() {
    activation.stop(StopReason.PASSIVATED); // queued after the current message: it finishes first
  }

  @Override
  public java.util.concurrent.CompletionStage<com.fasterxml.jackson.databind.JsonNode> tell(String type, String id,
      Object message, String idempotencyKey) {
    return activation.runtime().calls.tell(type, id, activation.runtime().mapper.valueToTree(message),
        idempotencyKey);
  }

  @Override
  public String toString() {
    return "WorkerContext[" + activation.key() + " on " + activation.node() + "]";
  }
}
