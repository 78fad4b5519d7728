package dev.ringleader.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One bounded wrk run: {@code wrk -t1 -c<connections> -d<seconds>s --timeout 5s -s workload.lua},
 * capped at a number of requests by the script, parsed from the script's {@code RESULT} line.
 * Every workload, the baseline included, uses the same wrk settings so that ratios are fair.
 */
final class BenchWrk {
  /** What wrk measured; latencies in microseconds. */
  record Result(long requests, long durationUs, long socketErrors, long statusErrors, double p50, double p99,
      double p999, double max) {

    long errors() {
      return socketErrors + statusErrors;
    }

    /** Answers with a status below 400 per second. */
    double okPerSecond() {
      return (requests - statusErrors) / (durationUs / 1e6);
    }

    static Result parse(String output) {
      for (String line : output.split("\n")) {
        if (line.startsWith("RESULT ")) {
          String[] f = line.trim().split(" ");
          return new Result(Long.parseLong(f[1]), Long.parseLong(f[2]),
              Long.parseLong(f[3]) + Long.parseLong(f[4]) + Long.parseLong(f[5]) + Long.parseLong(f[7]),
              Long.parseLong(f[6]), Double.parseDouble(f[8]), Double.parseDouble(f[9]), Double.parseDouble(f[10]),
              Double.parseDouble(f[11]));
        }
      }
      throw new IllegalStateException("wrk printed no RESULT line:\n" + output);
    }
  }

  private final BenchOptions o;

  BenchWrk(BenchOptions o) {
    this.o = o;
  }

  /**
   * Runs wrk against {@code baseUrl} for at most {@code seconds} and {@code cap} requests.
   *
   * @param mode pick, seq or fresh (see bench/workload.lua)
   * @param source an ids file (pick, seq) or an id prefix (fresh)
   */
  Result run(String name, String baseUrl, int seconds, long cap, String mode, String method, String pathPrefix,
      String source) throws IOException, InterruptedException {
    Path out = o.runDir().resolve("wrk-" + name + ".out");
    Path marker = o.runDir().resolve("wrk-" + name + ".capped");
    Files.deleteIfExists(out);
    Files.deleteIfExists(marker);
    List<String> cmd = List.of("wrk", "-t1", "-c" + o.connections(), "-d" + seconds + "s", "--timeout", "5s",
        "-s", o.script().toString(), baseUrl, "--", mode, method, pathPrefix, source, Long.toString(cap),
        marker.toString());
    Process p = BenchProcesses.start(cmd, out);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 30L);
    boolean interrupted = false;
    while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
      if (System.nanoTime() > deadline) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException("wrk (" + name + ") did not finish within " + (seconds + 30) + " s");
      }
      if (!interrupted && Files.exists(marker)) {
        // The cap is reached: SIGINT makes wrk stop waiting out -d and print its results.
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
        interrupted = true;
      }
    }
    String text = Files.readString(out);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("wrk (" + name + ") exited with " + p.exitValue() + ":\n" + text);
    }
    return Result.parse(text);
  }
}
