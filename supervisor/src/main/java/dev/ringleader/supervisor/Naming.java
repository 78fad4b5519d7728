package dev.ringleader.supervisor;

import dev.ringleader.registry.ClusterPaths;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.NameRegistry;
import dev.ringleader.registry.ReleasedEpochs;
import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.WorkerNames;
import dev.ringleader.supervisor.internal.activation.LocalSupervisor;
import dev.ringleader.supervisor.internal.activation.RingNames;
import dev.ringleader.supervisor.internal.node.NodeThreads;
import java.io.Closeable;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;

/**
 * This node's naming mode ({@code --names}, docs/names.md): the ZooKeeper registry of global names,
 * or the ring naming with this node's released-epoch znode. Made when the ZooKeeper client exists,
 * wired once the ring and membership do, started once this node is a member.
 */
final class Naming implements Closeable {
  private final String self;
  private final NamingMode mode;
  private final NameRegistry registry;
  private final ReleasedEpochs released;
  private final CuratorFramework client;
  private final ClusterPaths paths;
  private RingNames ringNames;

  Naming(Settings settings, CuratorFramework client, ClusterPaths paths, NodeThreads threads) {
    this.self = settings.nodeId();
    this.mode = settings.names();
    this.client = client;
    this.paths = paths;
    this.registry = mode == NamingMode.ZOOKEEPER ? new NameRegistry(client, paths, threads.timers, threads.continuations)
        : null;
    this.released = mode == NamingMode.RING ? new ReleasedEpochs(client, paths, self) : null;
  }

  /** What the activations take their names from. */
  WorkerNames names(RingStore ring, Membership membership, BooleanSupplier connected, NodeThreads threads) {
    if (mode == NamingMode.ZOOKEEPER) {
      return registry;
    }
    ringNames = new RingNames(self, ring, membership, released, connected, client, paths, threads.timers,
        threads.continuations);
    return ringNames;
  }

  /** With ring naming: the activations this node must let go of before it releases an epoch. */
  void attach(LocalSupervisor local) {
    if (ringNames != null) {
      ringNames.attach(local);
    }
  }

  /** Once this node is a member: with ring naming, its released-epoch znode, then a first release. */
  void start() throws Exception {
    if (released != null) {
      released.start();
      ringNames.check();
    }
  }

  @Override
  public void close() {
    StartupSteps.closeQuietly(ringNames);
    StartupSteps.closeQuietly(registry);
    StartupSteps.closeQuietly(released);
  }
}
