package dev.ringleader.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The restart decision as a pure function, and the validation of the limits. */
class RestartPolicyTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  private static Instant at(double seconds) {
    return T0.plusMillis((long) (seconds * 1000));
  }

  @Test
  void defaultToleratesThreeCrashesInTenSeconds() {
    RestartPolicy policy = RestartPolicy.DEFAULT;
    assertEquals(3, policy.maxRestarts());
    assertEquals(Duration.ofSeconds(10), policy.window());
    assertEquals(Duration.ofSeconds(5), policy.backoff());

    assertFalse(policy.shouldBackOff(List.of(), at(0)));
    assertFalse(policy.shouldBackOff(List.of(at(1), at(2), at(3)), at(3)));
    assertTrue(policy.shouldBackOff(List.of(at(1), at(2), at(3), at(4)), at(4)));
  }

  @Test
  void onlyCrashesInsideTheWindowCount() {
    RestartPolicy policy = new RestartPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(1));
    List<Instant> crashes = List.of(at(0), at(5));

    assertTrue(policy.shouldBackOff(crashes, at(9.999)));
    assertFalse(policy.shouldBackOff(crashes, at(10)), "a crash exactly one window ago is out");
    assertFalse(policy.shouldBackOff(crashes, at(30)));
    assertFalse(policy.shouldBackOff(List.of(at(20), at(21)), at(5)), "future crashes do not count");
  }

  @Test
  void zeroRestartsBacksOffOnTheFirstCrash() {
    RestartPolicy policy = new RestartPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertTrue(policy.shouldBackOff(List.of(at(0)), at(0)));
  }

  @Test
  void invalidArgumentsNameTheField() {
    Duration s = Duration.ofSeconds(1);
    assertMessageNames("maxRestarts", () -> new RestartPolicy(-1, s, s));
    assertMessageNames("window", () -> new RestartPolicy(1, Duration.ZERO, s));
    assertMessageNames("backoff", () -> new RestartPolicy(1, s, Duration.ofSeconds(-1)));
  }

  @Test
  void limitsTakeTheTypesDefaultsAndValidate() {
    WorkerLimits limits = WorkerLimits.of(TestTypes.counter());
    assertEquals(Duration.ZERO, limits.idleTimeout());
    assertEquals(Duration.ZERO, limits.maxLifetime());
    assertEquals(1000, limits.mailboxCapacity());
    assertEquals(32, limits.recentRepliesKept());
    assertEquals(RestartPolicy.DEFAULT, limits.restartPolicy());

    assertMessageNames("idleTimeout", () -> limits.withIdleTimeout(Duration.ofSeconds(-1)));
    assertMessageNames("maxLifetime", () -> limits.withMaxLifetime(Duration.ofSeconds(-1)));
    assertMessageNames("mailboxCapacity", () -> limits.withMailboxCapacity(0));
    assertMessageNames("recentRepliesKept", () -> limits.withRecentRepliesKept(-1));
  }

  private static void assertMessageNames(String field, Runnable construct) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
    assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
  }
}
