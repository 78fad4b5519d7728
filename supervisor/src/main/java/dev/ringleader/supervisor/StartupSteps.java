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
