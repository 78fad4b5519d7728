package dev.ringleader.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard at {@code GET /}, end to end in a real browser: ZooKeeper and three nodes as real
 * processes from the demo jar, a few live workers, then Debian's headless chromium loads node1's
 * page. The DOM after the page's scripts ran must draw arcs for all three nodes, list three members
 * with their worker counts, and mark exactly one leader, the one {@code /cluster} names. A
 * screenshot of the same page is saved to {@code target/dashboard.png}; with
 * {@code -Dringleader.updateScreenshot=true} it goes to {@code docs/dashboard.png}, the one the
 * README embeds (so an ordinary {@code mvn verify} leaves the work tree clean).
 */
class DashboardIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final List<String> NODES = List.of("node1", "node2", "node3");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** One chromium run: load, run the scripts for this much virtual time, then dump or shoot. */
  private static final int VIRTUAL_TIME_MS = 6000;
  private static final Duration CHROMIUM_TIMEOUT = Duration.ofSeconds(60);

  @Test
  void dashboardDrawsTheThreeNodesAndMarksTheLeader() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (scripts/install-deps.sh installs it)");
    try (DemoProcesses demo = new DemoProcesses("dashboard")) {
      demo.startZooKeeper();
      for (String id : NODES) {
        demo.startNode(id, "--session-timeout-ms", "3000", "--min-nodes", "2");
      }
      demo.awaitServing(3, Duration.ofSeconds(60));
      awaitSettledCluster(demo, Duration.ofSeconds(30));
      createWorkers(demo, Duration.ofSeconds(30));
      String page = demo.url("node1") + "/";

      // 1) The DOM after the scripts ran (retried until the first render happened, with a deadline).
      String dom = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      for (int attempt = 1; dom == null || !dom.contains("data-ready=\"true\""); attempt++) {
        assertTrue(System.nanoTime() < deadline, "the dashboard never rendered; last DOM:\n" + dom);
        dom = chromium(demo, "dump-dom-" + attempt, "--dump-dom", page);
      }
      String leader = cluster(demo.url("node1")).path("leader").asText();

      List<Map<String, String>> rows = tags(dom, "tr", "member");
      assertEquals(new TreeSet<>(NODES), attr(rows, "data-node"), "one member row per node:\n" + dom);
      assertEquals(3, rows.size(), "three member rows");
      assertEquals(new TreeSet<>(NODES), attr(tags(dom, "path", "arc"), "data-node"),
          "the ring has arcs of all three nodes");
      assertEquals(new TreeSet<>(NODES), attr(tags(dom, "path", "share-seg"), "data-node"),
          "the ring has a share segment per node");
      assertEquals(new TreeSet<>(NODES), attr(tags(dom, "li", null), "data-node"), "the legend lists three nodes");

      List<Map<String, String>> leaderRows = rows.stream().filter(r -> "true".equals(r.get("data-leader"))).toList();
      assertEquals(1, leaderRows.size(), "exactly one member row is marked leader");
      assertEquals(leader, leaderRows.get(0).get("data-node"), "the marked leader is /cluster's leader");
      List<Map<String, String>> leaderLegend = tags(dom, "li", null).stream()
          .filter(r -> "true".equals(r.get("data-leader"))).toList();
      assertEquals(1, leaderLegend.size(), "exactly one legend item is marked leader");
      assertEquals(leader, leaderLegend.get(0).get("data-node"));
      List<Map<String, String>> leaderSegments = tags(dom, "path", "share-seg").stream()
          .filter(r -> "true".equals(r.get("data-leader"))).toList();
      assertEquals(1, leaderSegments.size(), "exactly one share segment of the ring is outlined as leader");
      assertEquals(leader, leaderSegments.get(0).get("data-node"));
      assertTrue(dom.contains("★ " + leader + " leads"), "the ring's centre names the leader");

      int workers = 0;
      for (Map<String, String> row : rows) {
        String count = row.getOrDefault("data-workers", "");
        assertTrue(count.matches("\\d+"), "live worker count of " + row.get("data-node") + " read: " + row);
        workers += Integer.parseInt(count);
      }
      assertTrue(workers >= 30, "the 30 players are counted across the members: " + workers);
      assertTrue(tags(dom, "li", "event").size() > 0, "cluster events are listed");

      // 2) The screenshot for the README.
      Path png = (Boolean.getBoolean("ringleader.updateScreenshot")
          ? Path.of("..", "docs", "dashboard.png") : Path.of("target", "dashboard.png")).toAbsolutePath().normalize();
      Files.createDirectories(png.getParent());
      Files.deleteIfExists(png);
      chromium(demo, "screenshot", "--screenshot=" + png, page);
      assertTrue(Files.isRegularFile(png) && Files.size(png) > 10_000, "screenshot written to " + png);
    }
  }

  /** Waits until node1's /cluster shows three members up, in the ring, and a leader. */
  private static void awaitSettledCluster(DemoProcesses demo, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode c = null;
    while (System.nanoTime() < deadline) {
      c = cluster(demo.url("node1"));
      if (c != null && !c.path("leader").isNull() && c.path("ring").path("shares").size() == 3) {
        boolean allUp = c.path("members").size() == 3;
        for (JsonNode m : c.path("members")) {
          allUp &= "up".equals(m.path("status").asText()) && m.path("inRing").asBoolean();
        }
        if (allUp) {
          return;
        }
      }
      DemoProcesses.pause();
    }
    throw new AssertionError("the cluster did not settle with three members up in the ring: " + c);
  }

  /** 30 players (one reward each) and 10 cache workers, sent round-robin through the nodes. */
  private static void createWorkers(DemoProcesses demo, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < 30; i++) {
      String url = demo.url(NODES.get(i % 3)) + "/workers/player/p" + i;
      while (send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"reward\":1}"))) != 200) {
        assertTrue(System.nanoTime() < deadline, "POST " + url + " never succeeded");
        DemoProcesses.pause();
      }
    }
    for (int i = 1; i <= 10; i++) {
      String url = demo.url(NODES.get(i % 3)) + "/request/" + i;
      while (send(HttpRequest.newBuilder(URI.create(url)).GET()) != 200) {
        assertTrue(System.nanoTime() < deadline, "GET " + url + " never succeeded");
        DemoProcesses.pause();
      }
    }
  }

  private static int send(HttpRequest.Builder request) throws InterruptedException {
    try {
      return DemoProcesses.HTTP.send(request.timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  private static JsonNode cluster(String url) throws IOException {
    String body = DemoProcesses.get(url + "/cluster");
    return body == null ? null : JSON.readTree(body);
  }

  /**
   * Runs headless chromium once with the flags a sandboxed root needs and a fresh profile; stdout
   * (the dumped DOM) is returned, stderr goes to the test's log folder and is not asserted on. The
   * browser and its helper processes are destroyed if it does not finish in time.
   */
  private static String chromium(DemoProcesses demo, String name, String... args) throws Exception {
    Path profile = Files.createTempDirectory("ringleader-it-chromium");
    Path out = demo.logs.resolve("chromium-" + name + ".out");
    Path err = demo.logs.resolve("chromium-" + name + ".log");
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile,
        "--virtual-time-budget=" + VIRTUAL_TIME_MS, "--window-size=1280,800"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      boolean done = p.waitFor(CHROMIUM_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(done, "chromium did not finish within " + CHROMIUM_TIMEOUT + "; see " + err);
      return Files.readString(out);
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      deleteTree(profile);
    }
  }

  private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z-]+)=\"([^\"]*)\"");

  /** The attributes of every {@code <tag ...>} in the HTML whose class list holds {@code cssClass} (any if null). */
  private static List<Map<String, String>> tags(String html, String tag, String cssClass) {
    List<Map<String, String>> out = new ArrayList<>();
    Matcher m = Pattern.compile("<" + tag + "\\b([^>]*)>").matcher(html);
    while (m.find()) {
      Map<String, String> attrs = new TreeMap<>();
      Matcher a = ATTRIBUTE.matcher(m.group(1));
      while (a.find()) {
        attrs.put(a.group(1), a.group(2));
      }
      if (cssClass == null ? attrs.containsKey("data-node")
          : List.of(attrs.getOrDefault("class", "").split("\\s+")).contains(cssClass)) {
        out.add(attrs);
      }
    }
    return out;
  }

  private static TreeSet<String> attr(List<Map<String, String>> tags, String name) {
    TreeSet<String> out = new TreeSet<>();
    tags.forEach(t -> out.add(t.get(name)));
    return out;
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temp profile is harmless
    }
  }
}
