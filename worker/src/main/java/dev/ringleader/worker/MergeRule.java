package dev.ringleader.worker;

/**
 * How the base of a duplicate lineage is taken in when the conflict resolver merges it into a
 * worker ({@link Worker#mergeIn}, {@link LineageMerge}); the duplicate's own changes since its base
 * are replayed whatever the rule. The one decision, used by the worker and described in logs and
 * histories.
 */
public enum MergeRule {
  /** The type is mergeable: {@link WorkerType#merge}{@code (survivor, other)}. */
  MERGED("base merged with %s.merge"),
  /** Not mergeable, and the survivor never committed (version 0): the other's state is taken. */
  TOOK_OTHER("%s is not mergeable and the survivor never committed: took the duplicate's base state"),
  /** Not mergeable: the survivor's state is kept, the other's dropped. */
  KEPT_SURVIVOR("%s is not mergeable: kept the survivor's state, not the duplicate's base");

  private final String description;

  MergeRule(String description) {
    this.description = description;
  }

  /** The rule for merging a snapshot at {@code otherVersion} into one at {@code survivorVersion}. */
  public static MergeRule of(WorkerType<?> type, long survivorVersion, long otherVersion) {
    if (type.mergeable()) {
      return MERGED;
    }
    return survivorVersion == 0 && otherVersion > 0 ? TOOK_OTHER : KEPT_SURVIVOR;
  }

  /** The state after the merge. */
  <S> S apply(WorkerType<S> type, S survivor, S other) {
    return switch (this) {
      case MERGED -> type.merge(survivor, other);
      case TOOK_OTHER -> other;
      case KEPT_SURVIVOR -> survivor;
    };
  }

  /** For logs and histories, e.g. "merged with player.merge". */
  public String describe(WorkerType<?> type) {
    return String.format(description, type.name());
  }
}
