package dev.ringleader.demo.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Reads the global names of one worker type straight from ZooKeeper (not through any node or proxy):
 * {@code /ringleader/<cluster>/registry/<type>/<bucket>/<id>}, each holding {@code {"node",...}}.
 * A path exists at most once, so "held at most once" is what ZooKeeper gives; what the check asks is
 * which node holds each name.
 */
public final class RegistryReader {
  private RegistryReader() {}

  /** How many global names of {@code type} ZooKeeper holds now (the bench's check that none leaked). */
  public static int count(String zkAddress, String cluster, String type) throws IOException, InterruptedException {
    return holders(zkAddress, cluster, type).size();
  }

  /** ID to the node named in its znode (or the raw value when it is not the expected JSON). */
  static Map<String, String> holders(String zkAddress, String cluster, String type)
      throws IOException, InterruptedException {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper(zkAddress, 10_000, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    });
    try {
      if (!connected.await(15, TimeUnit.SECONDS)) {
        throw new IOException("cannot reach ZooKeeper at " + zkAddress);
      }
      String base = "/ringleader/" + cluster + "/registry/" + type;
      Map<String, String> out = new TreeMap<>();
      if (zk.exists(base, false) == null) {
        return out;
      }
      for (String bucket : zk.getChildren(base, false)) {
        try {
          for (String id : zk.getChildren(base + "/" + bucket, false)) {
            try {
              byte[] data = zk.getData(base + "/" + bucket + "/" + id, false, null);
              String raw = new String(data, java.nio.charset.StandardCharsets.UTF_8);
              JsonNode json = NodeHttp.JSON.readTree(raw);
              out.put(id, json.hasNonNull("node") ? json.get("node").asText() : raw);
            } catch (KeeperException.NoNodeException e) {
              // released meanwhile
            }
          }
        } catch (KeeperException.NoNodeException e) {
          // an empty bucket removed meanwhile
        }
      }
      return out;
    } catch (KeeperException e) {
      throw new IOException("reading " + cluster + "'s registry: " + e.getMessage(), e);
    } finally {
      zk.close();
    }
  }
}
