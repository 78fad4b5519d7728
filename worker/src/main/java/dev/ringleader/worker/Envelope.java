package dev.ringleader.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/** What waits in a worker's mailbox. Each kind carries the future that answers its sender. */
sealed interface Envelope {
  /** Counts against the mailbox capacity; a stop does not, so it can always be queued. */
  default boolean counted() {
    return true;
  }

  /** A message for the handler, from {@link Worker#tell}. */
  record Tell(JsonNode message, String requestKey, CompletableFuture<Object> reply)
      implements Envelope {}

  /** A read of the view, from {@link Worker#read}. */
  record Read(CompletableFuture<Object> reply) implements Envelope {}

  /** What a duplicate activation did, from {@link Worker#mergeIn}. */
  record Merge<S>(DuplicateLineage<S> other, CompletableFuture<Object> reply) implements Envelope {}

  /** The marker after the last accepted message, from {@link Worker#stop}. */
  record Stop<S>(StopReason reason, CompletableFuture<Snapshot<S>> done) implements Envelope {
    @Override
    public boolean counted() {
      return false;
    }
  }
}
