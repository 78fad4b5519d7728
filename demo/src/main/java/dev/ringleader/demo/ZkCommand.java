package dev.ringleader.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

/**
 * {@code zk --port 2181 --dir data/zk}: a real, standalone ZooKeeper server on 127.0.0.1 that keeps
 * its data directory between runs. Runs until the process is stopped.
 */
final class ZkCommand {
  private ZkCommand() {}

  static int run(String[] args) throws Exception {
    Flags flags = new Flags(args);
    int port = flags.integer("port", 2181);
    Path dir = Path.of(flags.get("dir", "data/zk")).toAbsolutePath();
    int tick = flags.integer("tick-ms", 500);
    Files.createDirectories(dir);
    Properties cfg = new Properties();
    cfg.setProperty("dataDir", dir.toString());
    cfg.setProperty("clientPort", Integer.toString(port));
    cfg.setProperty("clientPortAddress", "127.0.0.1");
    cfg.setProperty("tickTime", Integer.toString(tick));
    // Sessions between 2 and 40 ticks: a 500 ms tick allows the demo's short session timeouts.
    cfg.setProperty("minSessionTimeout", Integer.toString(2 * tick));
    cfg.setProperty("maxSessionTimeout", Integer.toString(240 * tick));
    cfg.setProperty("admin.enableServer", "false");
    cfg.setProperty("4lw.commands.whitelist", "ruok,stat,srvr,mntr");
    cfg.setProperty("maxClientCnxns", "0");
    QuorumPeerConfig quorum = new QuorumPeerConfig();
    quorum.parseProperties(cfg);
    ServerConfig config = new ServerConfig();
    config.readFrom(quorum);
    ZooKeeperServerMain server = new ZooKeeperServerMain();
    System.out.println("ZooKeeper on 127.0.0.1:" + port + " (data in " + dir + ")");
    try {
      server.runFromConfig(config);
    } catch (IOException e) {
      System.err.println("zk: cannot start ZooKeeper on 127.0.0.1:" + port + ": " + e.getMessage());
      return 1;
    }
    return 0;
  }
}
