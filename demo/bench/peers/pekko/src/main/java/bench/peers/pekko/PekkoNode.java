package bench.peers.pekko;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * One node of the Pekko side of the peers benchmark: a Pekko cluster member on 127.0.0.1 (Artery TCP,
 * every node a seed node) running Cluster Sharding (typed) with one entity per counter, fronted by
 * pekko-http on 127.0.0.1.
 *
 * <pre>
 *   java -jar peers-pekko.jar &lt;httpPort&gt; &lt;artery port&gt; &lt;artery port,artery port,...&gt;
 *   POST /incr/{key}   asks the entity {key} (timeout 5 s) to increment; answers the new value
 *   GET  /ready        200 once every listed node is Up
 * </pre>
 *
 * An entity holds its count in an int field: no persistence, no replication (a node that dies loses
 * its entities' counts). The HTTP front is pekko-http's low-level asynchronous handler, the
 * counterpart of the plain Undertow handler on the Hazelcast side.
 */
public final class PekkoNode {
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
  static final EntityTypeKey<Command> COUNTER = EntityTypeKey.create(Command.class, "Counter");

  private PekkoNode() {}

  /** The messages of a counter entity; {@link CounterSerializer} carries them between nodes. */
  public interface Command {}

  /** Increment by one; the entity replies the new value to {@code replyTo}. */
  public record Incr(ActorRef<Value> replyTo) implements Command {}

  /** The value after an increment. */
  public record Value(int value) {}

  /** The counter entity: an int, nothing else. */
  static final class Counter extends AbstractBehavior<Command> {
    private int value;

    Counter(ActorContext<Command> context) {
      super(context);
    }

    @Override
    public Receive<Command> createReceive() {
      return newReceiveBuilder().onMessage(Incr.class, m -> {
        value++;
        m.replyTo().tell(new Value(value));
        return this;
      }).build();
    }
  }

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: PekkoNode <httpPort> <arteryPort> <arteryPort,arteryPort,...>");
      System.exit(2);
    }
    int httpPort = Integer.parseInt(args[0]);
    int arteryPort = Integer.parseInt(args[1]);
    String[] ports = args[2].split(",");
    List<String> seeds = new ArrayList<>();
    for (String p : ports) {
      seeds.add("\"pekko://peers@127.0.0.1:" + p.trim() + "\"");
    }
    Config config = ConfigFactory.parseString(
            "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = " + arteryPort + "\n"
                + "pekko.cluster.seed-nodes = [" + String.join(",", seeds) + "]\n"
                + "pekko.cluster.min-nr-of-members = " + ports.length + "\n")
        .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "peers", config);

    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(COUNTER, ctx -> Behaviors.setup(Counter::new)));
    Cluster cluster = Cluster.get(system);
    int expected = ports.length;

    CompletionStage<HttpResponse> notFound =
        CompletableFuture.completedFuture(HttpResponse.create().withStatus(StatusCodes.NOT_FOUND));
    Http.get(system).newServerAt("127.0.0.1", httpPort).bind((HttpRequest request) -> {
      String path = request.getUri().path();
      if (path.startsWith("/incr/") && path.length() > 6 && request.method().equals(HttpMethods.POST)) {
        request.discardEntityBytes(system);
        String key = path.substring(6);
        return sharding.entityRefFor(COUNTER, key)
            .<Value>ask(Incr::new, ASK_TIMEOUT)
            .handle((v, failure) -> failure == null
                ? HttpResponse.create().withEntity(v.value() + "\n")
                : HttpResponse.create().withStatus(StatusCodes.INTERNAL_SERVER_ERROR)
                    .withEntity(failure + "\n"));
      } else if (path.equals("/ready")) {
        long up = StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up())
            .count();
        boolean ready = up == expected;
        return CompletableFuture.completedFuture(HttpResponse.create()
            .withStatus(ready ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE)
            .withEntity(ready ? "ready\n" : "not ready: " + up + " up\n"));
      }
      request.discardEntityBytes(system);
      return notFound;
    });
    System.out.println("pekko node: http 127.0.0.1:" + httpPort + ", artery 127.0.0.1:" + arteryPort);
  }
}
