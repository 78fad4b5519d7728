package dev.ringleader.demo;

/** {@code bench}: placeholder until the benchmark lands. */
final class BenchCommand {
  private BenchCommand() {}

  static int run(String[] args) {
    System.err.println("bench: not built yet");
    return 2;
  }
}
