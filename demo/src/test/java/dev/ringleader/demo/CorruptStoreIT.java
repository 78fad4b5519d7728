package dev.ringleader.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 with a real process (docs/durability.md scenario 7): a node whose on-disk store is
 * corrupt does not start, and says so in one line naming the store; with {@code --store-corrupt
 * discard} it moves the store aside and starts empty.
 */
class CorruptStoreIT {
  @Test
  void aCorruptStoreStopsTheNodeWithOneLineOrIsMovedAsideOnRequest() throws Exception {
    try (DemoProcesses demo = new DemoProcesses("corrupt-store")) {
      Path data = Files.createTempDirectory("ringleader-it-corrupt");
      String[] flags = {"--replication", "1", "--min-nodes", "1", "--durability", "disk", "--data-dir",
          data.resolve("node1").toString()};
      demo.startZooKeeper();
      demo.startNode("node1", flags);
      demo.awaitServing(1, Duration.ofSeconds(60));
      HttpResponse<String> wrote = DemoProcesses.HTTP.send(HttpRequest.newBuilder(
              URI.create(demo.url("node1") + "/workers/player/cs1"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"reward\":3}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, wrote.statusCode(), wrote.body());
      demo.stop("node1");

      Path states = data.resolve("node1").resolve("states");
      try (Stream<Path> files = Files.list(states)) {
        for (Path f : files.filter(f -> f.getFileName().toString().startsWith("MANIFEST-")).toList()) {
          Files.write(f, "not a manifest".getBytes(StandardCharsets.UTF_8));
        }
      }
      demo.startNode("node1", flags);
      Process refused = demo.nodes.get("node1");
      assertTrue(refused.waitFor(60, TimeUnit.SECONDS), "a node with a corrupt store does not start");
      assertEquals(1, refused.exitValue(), "a failed start exits with status 1");
      List<String> named = Files.readAllLines(demo.logs.resolve("node1.log")).stream()
          .filter(l -> l.startsWith("node node1: ")).toList();
      assertEquals(1, named.size(), "one line says why: " + named);
      assertTrue(named.get(0).contains("cannot open the state store " + states), named.get(0));
      assertTrue(named.get(0).contains("--store-corrupt=discard"), named.get(0));

      String[] discard = Stream.concat(Stream.of(flags), Stream.of("--store-corrupt", "discard"))
          .toArray(String[]::new);
      demo.startNode("node1", discard);
      demo.awaitServing(1, Duration.ofSeconds(60));
      try (Stream<Path> dirs = Files.list(data.resolve("node1"))) {
        assertTrue(dirs.anyMatch(d -> d.getFileName().toString().startsWith("states.corrupt-")),
            "the corrupt store is moved aside, not deleted");
      }
      String score = DemoProcesses.get(demo.url("node1") + "/workers/player/cs1");
      assertTrue(score != null && score.contains("\"score\":0"), "started empty (replication 1: no peer held it): "
          + score);
    }
  }
}
