package dev.ringleader.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a node's memory from outside, adding nothing to the node: resident set size from
 * {@code /proc/<pid>/status}, Java heap in use from {@code jcmd <pid> GC.heap_info} (after
 * {@code jcmd <pid> GC.run}, a full collection), and live workers from {@code /metrics}.
 */
final class BenchProbe {
  /** "used 12345K" on a heap or generation line (not Metaspace or class space). */
  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private static final Pattern LIVE = Pattern.compile("(?m)^ringleader_workers_live(?:\\{[^}]*})? ([0-9.eE+]+)");

  private final BenchOptions o;
  private final BenchHttp http;

  BenchProbe(BenchOptions o, BenchHttp http) {
    this.o = o;
    this.http = http;
  }

  static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  /** Forces a full GC, then returns the heap in use in bytes. */
  long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    long kb = 0;
    boolean found = false;
    for (String line : info.split("\n")) {
      if (line.contains("Metaspace") || line.contains("class space")) {
        continue;
      }
      Matcher m = USED.matcher(line);
      if (m.find()) {
        kb += Long.parseLong(m.group(1));
        found = true;
        if (line.contains("garbage-first heap") || line.contains("ZHeap") || line.contains("Shenandoah")) {
          break; // a G1/Z/Shenandoah total line: the region lines after it repeat parts of it
        }
      }
    }
    if (!found) {
      throw new IllegalStateException("cannot read heap use from jcmd GC.heap_info:\n" + info);
    }
    return kb * 1024;
  }

  long liveWorkers(String nodeUrl) {
    BenchHttp.Reply r = http.get(nodeUrl + "/metrics", Duration.ofSeconds(5));
    Matcher m = LIVE.matcher(r.body());
    if (!r.ok() || !m.find()) {
      throw new IllegalStateException("no ringleader_workers_live in " + nodeUrl + "/metrics: " + r.status());
    }
    return (long) Double.parseDouble(m.group(1));
  }

  /** The node's heap by class (jcmd GC.class_histogram, after a full GC), written to {@code file}. */
  void classHistogram(long pid, Path file) throws IOException, InterruptedException {
    Files.writeString(file, jcmd(pid, "GC.class_histogram"), StandardCharsets.UTF_8);
  }

  private String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path out = o.runDir().resolve("jcmd.out");
    Files.deleteIfExists(out);
    Process p = BenchProcesses.start(List.of(o.jcmd(), Long.toString(pid), command), out);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IllegalStateException("jcmd " + pid + " " + command + " did not finish in 60 s");
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
