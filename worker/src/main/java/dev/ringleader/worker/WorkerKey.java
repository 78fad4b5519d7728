package dev.ringleader.worker;

import java.util.Objects;

/**
 * The identity of one worker in the whole cluster: its type name and its ID.
 * At most one worker per key is live in the cluster while every node agrees on the ring.
 */
public record WorkerKey(String type, String id) {
  public WorkerKey {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
  }

  @Override
  public String toString() {
    return type + "/" + id;
  }
}
