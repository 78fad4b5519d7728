package dev.ringleader.supervisor;

import dev.ringleader.registry.DuplicateMemberException;

/** Start-up's and shut-down's small helpers: a step whose failure stops start-up with one line, addresses, a quiet close. */
final class StartupSteps {
  private StartupSteps() {}

  interface Step {
    void run() throws Exception;
  }

  /** Runs one step of start-up: a failure stops it with a line saying which step and why. */
  static void step(String failure, Step step) {
    try {
      step.run();
    } catch (DuplicateMemberException e) {
      throw new StartupException(e.getMessage() + " (setting --id)", e);
    } catch (StartupException e) {
      throw e;
    } catch (Exception e) {
      throw new StartupException(failure + ": " + e, e);
    }
  }

  /** {@code host:port}, an IPv6 host in brackets. */
  static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Registers this node as a member once its durability matches the members' (a refused node never
   * shows as one), then starts its naming ({@code --names ring}: its released-epoch znode).
   */
  static void register(String id, Settings settings, org.apache.curator.framework.CuratorFramework client,
      dev.ringleader.registry.ClusterPaths paths, dev.ringleader.registry.Membership membership, Naming names) {
    step("cannot read the members", () -> {
      var members = dev.ringleader.registry.Membership.read(client, paths);
      checkNaming(id, settings, members);
      checkDurability(id, settings, members);
    });
    step("cannot register member " + id, () -> membership.start(settings.sessionTimeout().plusSeconds(2)));
    // Again once registered: of two nodes that started at once with different modes, the later sees the other.
    step("cannot read the members", () -> checkNaming(id, settings, dev.ringleader.registry.Membership.read(client,
        paths)));
    step("cannot publish the released ring epoch", names::start);
  }

  /**
   * Before this node registers: every member that says its durability must have this node's (a copy
   * is as durable as its least durable holder, and an activation with a durability on disk asks every
   * member). A difference stops start-up with one line, or with {@code durability-check=warn} (a
   * rolling change of mode) is logged and the node joins. Checked against the members registered
   * now: two nodes that start at the same moment are not checked against each other.
   */
  static void checkDurability(String self, Settings settings, java.util.Map<String, dev.ringleader.registry.Member> members) {
    String mine = settings.durability().setting();
    java.util.List<String> others = members.values().stream()
        .filter(m -> !m.node().equals(self) && m.durability() != null && !m.durability().equals(mine))
        .map(m -> m.node() + " " + m.durability()).toList();
    if (others.isEmpty()) {
      return;
    }
    String line = "invalid setting --durability=" + mine + ": the cluster's members run another one (" + String.join(
        ", ", others) + "); every node of a cluster keeps the same durability (--durability-check=warn lets this node "
        + "join anyway, for a rolling change of mode)";
    if (settings.durabilityCheckEnforced()) {
      throw new StartupException(line, null);
    }
    org.slf4j.LoggerFactory.getLogger(RingleaderNode.class).warn(line);
  }

  /**
   * Before this node registers: every member must hold global names as this node does (a name held
   * in memory by one node and as a znode by another fences nothing: docs/names.md). A member that
   * does not say holds them in ZooKeeper. A difference stops start-up with one line.
   */
  static void checkNaming(String self, Settings settings, java.util.Map<String, dev.ringleader.registry.Member> members) {
    String mine = settings.names().name().toLowerCase(java.util.Locale.ROOT);
    java.util.List<String> others = members.values().stream()
        .filter(m -> !m.node().equals(self) && !mine.equals(m.names() == null ? "zookeeper" : m.names()))
        .map(m -> m.node() + " " + (m.names() == null ? "zookeeper" : m.names())).toList();
    if (!others.isEmpty()) {
      throw new StartupException("invalid setting --names=" + mine + ": the cluster's members hold names otherwise ("
          + String.join(", ", others) + "); every node of a cluster uses the same naming mode", null);
    }
  }

  /** Closes {@code c} if there is one; a failure is logged at debug level (shut-down goes on). */
  static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(RingleaderNode.class).debug("closing {}", c, e);
    }
  }

  /** The node's on-disk state store when its durability is not memory, else null; a bad store stops start-up with one line. */
  static dev.ringleader.supervisor.internal.replication.StateDisk openStore(Settings settings) {
    if (settings.durability() == Durability.MEMORY) {
      if (settings.dataDir() != null) {
        org.slf4j.LoggerFactory.getLogger(RingleaderNode.class).warn("--data-dir={} is not used: --durability is "
            + "memory (set --durability disk or disk-fsync to keep states there)", settings.dataDir());
      }
      return null;
    }
    try {
      return dev.ringleader.supervisor.internal.replication.StateDisk.open(settings.dataDir(),
          settings.durability() == Durability.DISK_FSYNC, settings.discardCorruptStore());
    } catch (dev.ringleader.supervisor.internal.replication.StateDisk.UnusableException e) {
      throw new StartupException(e.getMessage() + " (setting --data-dir)", e);
    }
  }
}
