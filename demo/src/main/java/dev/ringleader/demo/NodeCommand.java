package dev.ringleader.demo;

import dev.ringleader.supervisor.RingleaderNode;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.SettingsException;
import dev.ringleader.supervisor.SettingsHelp;
import dev.ringleader.supervisor.StartupException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code node --id node1 --port 8081 --zk 127.0.0.1:2181 --cluster demo [--name value ...]}: one
 * Ringleader node with the demo types. SIGTERM (or Ctrl-C) stops it gracefully. A bad setting or a
 * failed start prints one line naming the problem and exits with status 2 or 1.
 */
final class NodeCommand {
  private NodeCommand() {}

  static int run(String[] args) throws InterruptedException {
    if (Arrays.asList(args).contains("--help")) {
      System.out.println(SettingsHelp.text());
      return 0;
    }
    Settings settings;
    try {
      settings = Settings.parse(args, System.getenv());
      if (settings.requestType() == null) {
        // The demo's GET /request/{id} is seed 004's cache unless told otherwise.
        String[] withDefault = Arrays.copyOf(args, args.length + 2);
        withDefault[args.length] = "--request-type";
        withDefault[args.length + 1] = "cache";
        settings = Settings.parse(withDefault, System.getenv());
      }
    } catch (SettingsException e) {
      System.err.println("node: " + e.getMessage());
      return 2;
    }
    RingleaderNode node = new RingleaderNode(settings, DemoTypes.all());
    try {
      node.start();
    } catch (SettingsException e) {
      System.err.println("node " + settings.nodeId() + ": " + e.getMessage());
      return 2;
    } catch (StartupException e) {
      System.err.println("node " + settings.nodeId() + ": " + e.getMessage());
      return 1;
    }
    node.onLeft(() -> System.exit(0)); // POST /admin/leave: hand over, then end the process
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "shutdown"));
    System.out.println("node " + settings.nodeId() + " serving on " + settings.advertiseUrl());
    stopped.await();
    return Integer.MIN_VALUE; // the JVM is exiting already; do not call System.exit from main
  }
}
