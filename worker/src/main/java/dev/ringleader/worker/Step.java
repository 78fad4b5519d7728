package dev.ringleader.worker;

/**
 * What a handler returns: the worker's next state and the reply to the caller.
 *
 * @param state the new state; it becomes the committed state once it is replicated
 * @param reply a Jackson-serialisable reply sent to the caller
 */
public record Step<S>(S state, Object reply) {
  public static <S> Step<S> of(S state, Object reply) {
    return new Step<>(state, reply);
  }
}
