package dev.ringleader.worker;

import static dev.ringleader.worker.TestTypes.MAPPER;
import static dev.ringleader.worker.TestTypes.add;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The merge of a duplicate lineage: its base by the type's rule, then its unseen changes replayed. */
class LineageMergeTest {
  /** A PN-counter type that counts under the context's writer, like the demo's player. */
  private static final WorkerType<PNCounter> PN = new WorkerType<>() {
    @Override
    public String name() {
      return "pn";
    }

    @Override
    public Class<PNCounter> stateClass() {
      return PNCounter.class;
    }

    @Override
    public PNCounter initialState(WorkerContext context) {
      return PNCounter.zero();
    }

    @Override
    public Step<PNCounter> handle(PNCounter state, JsonNode message, WorkerContext context) {
      if (message.path("crash").asBoolean()) {
        throw new IllegalArgumentException("asked to crash");
      }
      PNCounter next = state.add(context.writer(), message.path("add").asLong());
      return Step.of(next, next.value());
    }

    @Override
    public boolean mergeable() {
      return true;
    }

    @Override
    public PNCounter merge(PNCounter survivor, PNCounter other) {
      return survivor.merge(other);
    }

    @Override
    public Duration idleTimeout() {
      return Duration.ZERO;
    }
  };

  private static WorkerContext writer(String name) {
    return new WorkerContext() {
      @Override
      public WorkerKey key() {
        return new WorkerKey("pn", "a");
      }

      @Override
      public String node() {
        return name;
      }

      @Override
      public String writer() {
        return name;
      }

      @Override
      public Instant startedAt() {
        return Instant.EPOCH;
      }

      @Override
      public Optional<Instant> expiresAt() {
        return Optional.empty();
      }

      @Override
      public int restarts() {
        return 0;
      }

      @Override
      public void passivate() {
        throw new UnsupportedOperationException();
      }

      @Override
      public java.util.concurrent.CompletionStage<JsonNode> tell(String type, String id, Object message, String key) {
        throw new UnsupportedOperationException();
      }
    };
  }

  private static Map<String, JsonNode> replies(String... keys) {
    LinkedHashMap<String, JsonNode> out = new LinkedHashMap<>();
    for (String k : keys) {
      out.put(k, IntNode.valueOf(0));
    }
    return out;
  }

  /**
   * The double count of issue 11: both sides start from the shared v10 (score 10 under writer
   * "old"); the duplicate applied r1 and r2 while cut off; the client, whose r1 got no answer,
   * retried it on the survivor's side, which applied it too. A state merge of the two PN-counters
   * adds r1 twice; the lineage merge leaves out the duplicate's r1.
   */
  @Test
  void aChangeAppliedOnBothSidesCountsOnce() {
    Snapshot<PNCounter> shared = new Snapshot<>(10, PNCounter.zero().add("old", 10), replies("r0"));
    // The survivor: the shared state, then r1 (the retry) under its own writer.
    Snapshot<PNCounter> survivor = shared.next(shared.state().add("survivor", 5), "r1", IntNode.valueOf(15), 64);
    DuplicateLineage<PNCounter> duplicate = new DuplicateLineage<>(shared,
        List.of(new LoggedMessage("r1", add(5)), new LoggedMessage("r2", add(7))), 12, null, "merge/dup/12");

    LineageMerge.Result<PNCounter> merged = LineageMerge.apply(PN, writer("survivor"), MAPPER, survivor, duplicate, 64);

    assertEquals(10 + 5 + 7, merged.next().state().value());
    // What a state merge of the two sides' final states would have given: r1 counted twice.
    PNCounter duplicateFinal = shared.state().add("dup", 5).add("dup", 7);
    assertEquals(10 + 5 + 5 + 7, survivor.state().merge(duplicateFinal).value());
    assertEquals(new MergeReport(13, MergeRule.MERGED, 1, 1, 0, false), merged.report());
    assertEquals(13, merged.next().version(), "above both lineages (the survivor at 11, the duplicate at 12)");
    assertTrue(merged.next().recentReplies().keySet().containsAll(List.of("r0", "r1", "r2", "merge/dup/12")));
    assertEquals(22, merged.next().recentReplies().get("r2").asLong(), "the replayed reply is remembered");
  }

  @Test
  void aTypeThatIsNotMergeableKeepsTheSurvivorsStateAndReplaysTheDuplicatesChanges() {
    WorkerType<Long> counter = TestTypes.counter();
    Snapshot<Long> survivor = new Snapshot<>(6, 100L, replies("s1"));
    // The duplicate diverged from an older base whose remembered key "b1" the survivor does not have.
    DuplicateLineage<Long> duplicate = new DuplicateLineage<>(new Snapshot<>(4, 40L, replies("b1")),
        List.of(new LoggedMessage("s1", add(1)), new LoggedMessage("d1", add(2))), 5, null, "merge/x");

    LineageMerge.Result<Long> merged = LineageMerge.apply(counter, writer("survivor"), MAPPER, survivor, duplicate, 64);

    assertEquals(102L, merged.next().state(), "the survivor's state plus d1; s1 was applied already");
    assertEquals(new MergeReport(7, MergeRule.KEPT_SURVIVOR, 1, 1, 0, false), merged.report());
    // The base's state was left out, so its remembered reply must not answer a retry of b1.
    assertFalse(merged.next().recentReplies().containsKey("b1"));
  }

  @Test
  void aSurvivorThatNeverCommittedTakesTheBaseAndItsReplies() {
    WorkerType<Long> counter = TestTypes.counter();
    DuplicateLineage<Long> duplicate = new DuplicateLineage<>(new Snapshot<>(4, 40L, replies("b1")),
        List.of(new LoggedMessage("b1", add(1)), new LoggedMessage("d1", add(2))), 6, null, "merge/x");

    LineageMerge.Result<Long> merged = LineageMerge.apply(counter, writer("survivor"), MAPPER,
        Snapshot.initial(0L), duplicate, 64);

    assertEquals(42L, merged.next().state());
    assertEquals(new MergeReport(7, MergeRule.TOOK_OTHER, 1, 1, 0, false), merged.report());
  }

  @Test
  void aChangeTheSurvivorsHandlerRefusesIsLeftOutAndTheRestReplayed() {
    Snapshot<PNCounter> survivor = Snapshot.initial(PNCounter.zero());
    JsonNode crash = MAPPER.createObjectNode().put("crash", true);
    DuplicateLineage<PNCounter> duplicate = new DuplicateLineage<>(Snapshot.initial(PNCounter.zero()),
        List.of(new LoggedMessage("a", add(1)), new LoggedMessage("b", crash), new LoggedMessage("c", add(3))),
        3, null, "merge/x");

    LineageMerge.Result<PNCounter> merged = LineageMerge.apply(PN, writer("s"), MAPPER, survivor, duplicate, 64);

    assertEquals(4, merged.next().state().value());
    assertEquals(new MergeReport(4, MergeRule.MERGED, 2, 0, 1, false), merged.report());
    assertFalse(merged.next().recentReplies().containsKey("b"), "a refused change leaves no reply behind");
  }

  @Test
  void aReplayedChangeKeepsTheReplyItsClientWasGiven() {
    Snapshot<Long> survivor = new Snapshot<>(3, 100L, replies());
    DuplicateLineage<Long> duplicate = new DuplicateLineage<>(Snapshot.initial(0L),
        List.of(new LoggedMessage("d1", add(10)), new LoggedMessage("d2", add(1))), 2,
        Map.of("d1", MAPPER.valueToTree(Map.of("value", 10))), "merge/x");

    LineageMerge.Result<Long> merged = LineageMerge.apply(TestTypes.counter(), writer("s"), MAPPER, survivor,
        duplicate, 64);

    assertEquals(111L, merged.next().state());
    assertEquals(10, merged.next().recentReplies().get("d1").path("value").asLong(), "the duplicate's reply to d1");
    assertEquals(111, merged.next().recentReplies().get("d2").path("value").asLong(),
        "no reply of the duplicate is remembered for d2: the survivor's handler's");
  }

  @Test
  void theRepliesWindowKeepsTheNewestIncludingTheMergeKey() {
    Snapshot<Long> survivor = new Snapshot<>(1, 0L, replies("s1", "s2"));
    DuplicateLineage<Long> duplicate = new DuplicateLineage<>(Snapshot.initial(0L),
        List.of(new LoggedMessage("d1", add(1)), new LoggedMessage("d2", add(1))), 2, null, "merge/x");

    LineageMerge.Result<Long> merged = LineageMerge.apply(TestTypes.counter(), writer("s"), MAPPER, survivor,
        duplicate, 3);

    assertEquals(List.of("d1", "d2", "merge/x"), List.copyOf(merged.next().recentReplies().keySet()));
  }
}
