package dev.ringleader.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's {@code load} command as a separate process: player rewards retried with an
 * Idempotency-Key, then the check of every score. Used under failover and rolling restart.
 */
final class BenchLoad {
  private static final Pattern COUNTS = Pattern.compile(
      "requests (\\d+), acknowledged (\\d+), failed (\\d+), retries (\\d+), players with lost or extra updates (\\d+)");
  private static final Pattern LATENCY = Pattern.compile("latency ms: p50 ([\\d.]+), p99 ([\\d.]+), max ([\\d.]+)");

  /** What the load printed; latencies in milliseconds. */
  record Result(long requests, long acknowledged, long failed, long retries, long lost, double p50, double p99,
      double max, String output) {}

  private final Process process;
  private final Path out;
  private final int seconds;

  private BenchLoad(Process process, Path out, int seconds) {
    this.process = process;
    this.out = out;
    this.seconds = seconds;
  }

  /** Starts {@code load} over all three nodes for {@code seconds}, 8 clients, at most 5,000 requests/s on average. */
  static BenchLoad start(BenchOptions o, String name, String urls, int ids, int seconds, String prefix)
      throws IOException {
    Path out = o.runDir().resolve("load-" + name + ".out");
    Files.deleteIfExists(out);
    Process p = BenchProcesses.start(List.of(o.java(), "-jar", o.jar().toString(), "load", "--url", urls,
        "--ids", Integer.toString(ids), "--duration-s", Integer.toString(seconds),
        "--max-requests", Integer.toString(seconds * 5_000), "--concurrency", "8", "--retry-ms", "15000",
        "--prefix", prefix), out);
    return new BenchLoad(p, out, seconds);
  }

  Result await() throws IOException, InterruptedException {
    long limit = seconds + 120L; // the load's own bound plus its retries and the final score check
    if (!process.waitFor(limit, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IllegalStateException("load did not finish within " + limit + " s (output in " + out + ")");
    }
    String text = Files.readString(out);
    Matcher c = COUNTS.matcher(text);
    if (!c.find()) {
      throw new IllegalStateException("load printed no summary (exit " + process.exitValue() + "):\n" + text);
    }
    Matcher l = LATENCY.matcher(text);
    boolean lat = l.find();
    return new Result(Long.parseLong(c.group(1)), Long.parseLong(c.group(2)), Long.parseLong(c.group(3)),
        Long.parseLong(c.group(4)), Long.parseLong(c.group(5)), lat ? Double.parseDouble(l.group(1)) : Double.NaN,
        lat ? Double.parseDouble(l.group(2)) : Double.NaN, lat ? Double.parseDouble(l.group(3)) : Double.NaN, text);
  }
}
