package dev.ringleader.demo.chaos;

import java.util.List;

/** The result of one check of a run: its name, whether it held, and what it saw (failures first). */
record Check(String name, boolean passed, String summary, List<String> details) {
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder((passed ? "PASS " : "FAIL ") + name + ": " + summary);
    for (String d : details) {
      b.append("\n       ").append(d);
    }
    return b.toString();
  }
}
