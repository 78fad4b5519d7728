package dev.ringleader.worker;

/**
 * What a merge of a {@link DuplicateLineage} did, the reply of {@link Worker#mergeIn}.
 *
 * @param version the survivor's version after the merge
 * @param rule how the duplicate's base state was taken in
 * @param replayed messages of the duplicate applied to the survivor
 * @param skipped messages left out because the survivor had already applied their key
 * @param failed messages the survivor's handler refused or crashed on (logged, left out)
 * @param repeated true when the survivor had already merged this lineage (nothing changed)
 */
public record MergeReport(long version, MergeRule rule, int replayed, int skipped, int failed,
    boolean repeated) {

  /** For logs and histories. */
  public String describe(WorkerType<?> type) {
    if (repeated) {
      return "already merged; nothing applied again";
    }
    return rule.describe(type) + "; replayed " + replayed + " change(s), left out " + skipped
        + " the survivor had already applied" + (failed > 0 ? ", " + failed + " refused by its handler" : "");
  }
}
