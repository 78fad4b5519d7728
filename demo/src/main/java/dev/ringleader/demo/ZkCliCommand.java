package dev.ringleader.demo;

import org.apache.zookeeper.ZooKeeperMain;

/** {@code zkcli -server 127.0.0.1:2181 [command]}: ZooKeeper's own CLI, arguments passed through. */
final class ZkCliCommand {
  private ZkCliCommand() {}

  static int run(String[] args) throws Exception {
    ZooKeeperMain.main(args);
    return 0;
  }
}
