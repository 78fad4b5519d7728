package bench.peers.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.util.Arrays;
import java.util.Map;

/**
 * One member of the Hazelcast side of the peers benchmark: a Hazelcast member on 127.0.0.1 (TCP-IP
 * join with the given members, multicast off) holding the IMap "counters" (backup-count 1, a
 * synchronous backup, no asynchronous one), fronted by an Undertow server on 127.0.0.1.
 *
 * <pre>
 *   java -jar peers-hazelcast.jar &lt;httpPort&gt; &lt;memberPort&gt; &lt;memberPort,memberPort,...&gt;
 *   POST /incr/{key}   increments the counter {key} by one with an EntryProcessor; answers the new value
 *   GET  /ready        200 once the cluster has every listed member and is safe (every backup in place)
 * </pre>
 *
 * The IO thread never waits on Hazelcast: the handler dispatches the exchange, calls
 * {@code submitToKey} and completes the exchange from the future's callback.
 */
public final class HazelcastNode {
  static final String MAP = "counters";
  static final int FACTORY_ID = 1;
  static final int INCR_ID = 1;

  private HazelcastNode() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: HazelcastNode <httpPort> <memberPort> <memberPort,memberPort,...>");
      System.exit(2);
    }
    int httpPort = Integer.parseInt(args[0]);
    int memberPort = Integer.parseInt(args[1]);
    String[] members = args[2].split(",");

    Config config = new Config();
    config.setClusterName("peers-bench");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(memberPort).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    network.getRestApiConfig().setEnabled(false);
    JoinConfig join = network.getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    Arrays.stream(members).forEach(p -> join.getTcpIpConfig().addMember("127.0.0.1:" + p.trim()));
    // backup-count 1 is synchronous: a write returns once the backup member has applied it too.
    config.addMapConfig(new MapConfig(MAP).setBackupCount(1).setAsyncBackupCount(0)
        .setInMemoryFormat(InMemoryFormat.BINARY));
    config.getSerializationConfig().addDataSerializableFactory(FACTORY_ID, new Factory());

    HazelcastInstance hz = Hazelcast.newHazelcastInstance(config);
    IMap<String, Integer> counters = hz.getMap(MAP);
    int expected = members.length;

    Undertow server = Undertow.builder()
        .addHttpListener(httpPort, "127.0.0.1")
        .setHandler(exchange -> {
          String path = exchange.getRequestPath();
          if (path.startsWith("/incr/") && path.length() > 6 && exchange.getRequestMethod().equals(Methods.POST)) {
            String key = path.substring(6);
            exchange.dispatch(SameThreadExecutor.INSTANCE, () ->
                counters.submitToKey(key, Incr.INSTANCE).whenComplete((value, failure) -> {
                  if (failure != null) {
                    fail(exchange, failure);
                  } else {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                    exchange.getResponseSender().send(value + "\n");
                  }
                }));
          } else if (path.equals("/ready")) {
            // isClusterSafe may ask the other members: on a worker thread, not the IO thread.
            exchange.dispatch(() -> {
              boolean ready = hz.getCluster().getMembers().size() == expected
                  && hz.getPartitionService().isClusterSafe();
              exchange.setStatusCode(ready ? 200 : 503);
              exchange.getResponseSender().send(ready ? "ready\n" : "not ready\n");
            });
          } else {
            exchange.setStatusCode(404);
            exchange.endExchange();
          }
        })
        .build();
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      hz.shutdown();
    }));
    System.out.println("hazelcast node: http 127.0.0.1:" + httpPort + ", member 127.0.0.1:" + memberPort);
  }

  private static void fail(HttpServerExchange exchange, Throwable failure) {
    exchange.setStatusCode(500);
    exchange.getResponseSender().send(String.valueOf(failure) + "\n");
  }

  /** counter := counter + 1 (absent = 0), returns the new value; the backup runs the same processor. */
  public static final class Incr
      implements EntryProcessor<String, Integer, Integer>, IdentifiedDataSerializable {
    static final Incr INSTANCE = new Incr();

    @Override
    public Integer process(Map.Entry<String, Integer> entry) {
      Integer old = entry.getValue();
      int next = old == null ? 1 : old + 1;
      entry.setValue(next);
      return next;
    }

    @Override
    public int getFactoryId() {
      return FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return INCR_ID;
    }

    @Override
    public void writeData(ObjectDataOutput out) {}

    @Override
    public void readData(ObjectDataInput in) {}
  }

  static final class Factory implements DataSerializableFactory {
    @Override
    public IdentifiedDataSerializable create(int typeId) {
      return typeId == INCR_ID ? new Incr() : null;
    }
  }
}
