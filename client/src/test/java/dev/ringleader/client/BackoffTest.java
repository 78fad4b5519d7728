package dev.ringleader.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The back-off is a pure function: doubling from initial, capped at max, jittered into [0.5, 1). */
class BackoffTest {
  private final Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));

  @Test
  void doublesUpToTheCap() {
    assertEquals(50, ms(b.delay(1, 1.0)));
    assertEquals(100, ms(b.delay(2, 1.0)));
    assertEquals(200, ms(b.delay(3, 1.0)));
    assertEquals(1600, ms(b.delay(6, 1.0)));
    assertEquals(2000, ms(b.delay(7, 1.0)));
    assertEquals(2000, ms(b.delay(1000, 1.0)), "no overflow for large retry numbers");
  }

  @Test
  void jitterKeepsAtLeastHalf() {
    assertEquals(25, ms(b.delay(1, 0.0)));
    assertEquals(1000, ms(b.delay(100, 0.0)));
  }

  @Test
  void retryNumbersStartAtOne() {
    assertThrows(IllegalArgumentException.class, () -> b.delay(0, 0.5));
  }

  private static long ms(Duration d) {
    return Math.round(d.toNanos() / 1e6);
  }
}
