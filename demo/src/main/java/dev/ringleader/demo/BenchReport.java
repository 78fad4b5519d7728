package dev.ringleader.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's output: one markdown table row per wrk workload, printed as soon as it is measured
 * (and the whole table again at the end), then the failover, rolling-restart and memory sections.
 */
final class BenchReport {
  static final String HEADER = """
      | workload | requests to | 2xx/s | p50 ms | p99 ms | p99.9 ms | errors | x baseline | target |
      | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |""";

  private final PrintStream out;
  private final List<String> rows = new ArrayList<>();
  private final List<String> sections = new ArrayList<>();
  private double baseline = Double.NaN;
  private boolean failed;

  BenchReport(PrintStream out) {
    this.out = out;
  }

  void baseline(BenchWrk.Result r) {
    baseline = r.okPerSecond();
    row("baseline: plain Undertow, fixed JSON", "baseline", r, Double.NaN);
  }

  /** A measured row; {@code target} is the minimum ratio to the baseline, NaN when there is none. */
  void row(String workload, String to, BenchWrk.Result r, double target) {
    double ratio = r.okPerSecond() / baseline;
    String verdict = "";
    if (!Double.isNaN(target)) {
      verdict = String.format(Locale.ROOT, ">= %.2fx: %s", target, ratio >= target ? "met"
          : String.format(Locale.ROOT, "missed by %.3fx (%.1f%% of target)", target - ratio, 100 * ratio / target));
    }
    add(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.2f | %.2f | %.2f | %d | %.2fx | %s |", workload, to,
        r.okPerSecond(), r.p50() / 1000, r.p99() / 1000, r.p999() / 1000, r.errors(), ratio, verdict));
  }

  void failedRow(String workload, Exception e) {
    failed = true;
    add("| " + workload + " | failed: " + oneLine(e) + " | | | | | | | |");
  }

  void section(String text) {
    sections.add(text);
    out.println();
    out.println(text);
    out.flush();
  }

  void failedSection(String name, Exception e) {
    failed = true;
    section(name + ": failed: " + oneLine(e));
  }

  boolean failed() {
    return failed;
  }

  void printAll(String heading) {
    out.println();
    out.println(heading);
    out.println();
    out.println(HEADER);
    rows.forEach(out::println);
    for (String s : sections) {
      out.println();
      out.println(s);
    }
    out.flush();
  }

  void printHeader() {
    out.println(HEADER);
    out.flush();
  }

  private void add(String row) {
    rows.add(row);
    out.println(row);
    out.flush();
  }

  private static String oneLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).replace('|', '/');
  }
}
