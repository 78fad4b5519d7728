package dev.ringleader.demo;

import java.util.Arrays;

/** {@code java -jar ringleader-demo.jar <zk|node|zkcli|load|bench|faults|chaos|ring-bench> [args]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    int code = switch (args[0]) {
      case "zk" -> ZkCommand.run(rest);
      case "node" -> NodeCommand.run(rest);
      case "zkcli" -> ZkCliCommand.run(rest);
      case "load" -> LoadCommand.run(rest);
      case "bench" -> BenchCommand.run(rest);
      case "faults" -> FaultsCommand.run(rest);
      case "chaos" -> ChaosCommand.run(rest);
      case "zk-bench" -> ZkBenchCommand.run(rest);
      case "ring-bench" -> {
        dev.ringleader.registry.RingBenchmark.main(rest);
        yield 0;
      }
      case "help", "--help", "-h" -> {
        usage();
        yield 0;
      }
      default -> {
        System.err.println("unknown command '" + args[0] + "'");
        usage();
        yield 2;
      }
    };
    if (code != Integer.MIN_VALUE) {
      System.exit(code);
    }
  }

  private static void usage() {
    System.err.println("""
        usage: java -jar ringleader-demo.jar <command> [args]
          zk --port 2181 --dir <data dir>        an embedded ZooKeeper server on 127.0.0.1
          node --id node1 --port 8081 ...        a Ringleader node (node --help lists every setting)
          zkcli -server 127.0.0.1:2181 [cmd]     the ZooKeeper CLI
          load --url http://127.0.0.1:8081 ...   a bounded load generator (load --help)
          bench [--help]                         the benchmark: baseline, three nodes, every workload
          faults --zk-port 2181 --nodes 3        proxies to cut nodes apart (demo/netsplit.sh uses it)
          chaos [--seed N] [--seconds 60]        the fault suite: 5 nodes, seeded faults, checks (demo/chaos.sh)
          ring-bench [--ids N] [--nodes 3,10]    ring quality and lookup speed
          zk-bench --zk 127.0.0.1:2181 [--names N] [--in-flight N]   ZooKeeper's ceiling for global names""");
  }
}
