package dev.ringleader.demo.chaos;

import java.util.ArrayList;
import java.util.List;

/** What one chaos run did and found: the summary lines and whether every check held. */
public final class ChaosReport {
  private final long seed;
  private final List<String> lines = new ArrayList<>();
  private final List<Check> checks = new ArrayList<>();

  ChaosReport(long seed) {
    this.seed = seed;
  }

  void line(String s) {
    lines.add(s);
  }

  void check(Check c) {
    checks.add(c);
    lines.add("  " + c.toString().replace("\n", "\n  "));
  }

  public long seed() {
    return seed;
  }

  /** True when the run got through its set-up and every check held. */
  public boolean passed() {
    return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
  }

  /** The names of the checks that failed. */
  public List<String> failures() {
    return checks.stream().filter(c -> !c.passed()).map(Check::name).toList();
  }

  public String text() {
    return String.join("\n", lines);
  }
}
