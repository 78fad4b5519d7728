package dev.ringleader.demo.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
  private static final List<String> NODES = List.of("node1", "node2", "node3", "node4", "node5");
  private static final Duration SESSION = Duration.ofSeconds(3);

  @Test
  void theSameSeedGivesTheSameFaults() {
    FaultSchedule a = new FaultSchedule(42, NODES, SESSION);
    FaultSchedule b = new FaultSchedule(42, NODES, SESSION);
    for (int i = 0; i < 50; i++) {
      assertEquals(a.next(), b.next());
    }
  }

  @Test
  void everyRoundOfFiveAppliesEachKindOnceWithinItsBounds() {
    FaultSchedule s = new FaultSchedule(7, NODES, SESSION);
    for (int round = 0; round < 20; round++) {
      EnumSet<Fault.Kind> kinds = EnumSet.noneOf(Fault.Kind.class);
      for (int i = 0; i < 5; i++) {
        Fault f = s.next();
        kinds.add(f.kind());
        assertTrue(NODES.contains(f.victim()), f.toString());
        if (f.kind() == Fault.Kind.PAUSE) {
          assertTrue(f.duration().compareTo(SESSION) > 0, "a pause outlasts the session: " + f);
        }
        assertTrue(f.duration().compareTo(SESSION.multipliedBy(3)) <= 0, f.toString());
      }
      assertEquals(EnumSet.allOf(Fault.Kind.class), kinds);
    }
  }
}
