package com.example.tally;

import dev.ringleader.client.Reply;
import dev.ringleader.client.RingleaderClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The same tallies from a JVM that is not a member, through the Java client: it keeps a ring
 * snapshot and sends each call straight to the ID's owner, retrying with the same idempotency key.
 */
final class ClientCall {
  private ClientCall() {}

  static void run(List<String> seeds) throws Exception {
    try (RingleaderClient client = RingleaderClient.builder().seeds(seeds.toArray(String[]::new))
        .callTimeout(Duration.ofSeconds(10)).build()) {
      client.start();
      for (String id : List.of("alice", "bob", "carol")) {
        Reply reply = client.ask("tally", id, Map.of("add", 10)).toCompletableFuture().get(15, TimeUnit.SECONDS);
        System.out.println("client: tally/" + id + " add 10 -> " + reply.value() + " (answered by " + reply.node()
            + ", the owner the client computed: " + client.owner("tally", id).orElse("?") + ")");
        TallyService.check(reply.node().equals(client.owner("tally", id).orElse(null)),
            "the client's call for " + id + " went straight to its owner");
      }
      Reply alice = client.read("tally", "alice").toCompletableFuture().get(15, TimeUnit.SECONDS);
      System.out.println("client: read tally/alice -> " + alice.value());
      TallyService.check(alice.value().path("total").asLong() == 17, "alice's total is 7 + 10 through the client");
    }
  }
}
