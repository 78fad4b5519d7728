package dev.ringleader.supervisor.internal.session;

import dev.ringleader.registry.ZooKeeperAccess;
import dev.ringleader.supervisor.Settings;
import dev.ringleader.supervisor.StartupException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * The node's ZooKeeper client: built with the session and connection timeouts of the settings and
 * the cluster's ACLs ({@link ZooKeeperAccess}), its connection states sent to the session guard,
 * started, and connected within the connection timeout — or a {@link StartupException} naming the
 * settings to look at.
 */
public final class ZooKeeperConnector {
  private ZooKeeperConnector() {}

  /** A started client connected to ZooKeeper, with {@code root} created (a container). */
  public static CuratorFramework connect(Settings settings, ZooKeeperAccess access, ConnectionStateListener states,
      String root) {
    CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
        .connectString(settings.zk())
        .sessionTimeoutMs((int) settings.sessionTimeout().toMillis())
        .connectionTimeoutMs((int) settings.connectionTimeout().toMillis())
        .retryPolicy(new ExponentialBackoffRetry(100, 10, 2000));
    access.applyTo(builder);
    CuratorFramework client = builder.build();
    client.getConnectionStateListenable().addListener(states);
    client.start();
    try {
      if (!client.blockUntilConnected((int) settings.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new StartupException("cannot reach ZooKeeper at " + settings.zk() + " within "
            + settings.connectionTimeout().toMillis() + " ms (settings --zk, --connection-timeout-ms)", null);
      }
      client.createContainers(root);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.close();
      throw new StartupException("interrupted while connecting to ZooKeeper", e);
    } catch (StartupException e) {
      client.close();
      throw e;
    } catch (org.apache.zookeeper.KeeperException.NoAuthException e) {
      client.close();
      throw new StartupException("ZooKeeper refused to let this node write " + root + ": its znodes were made with "
          + "another cluster secret (setting --cluster-secret-file), or --zk-acl=off is needed for this ensemble", e);
    } catch (Exception e) {
      client.close();
      throw new StartupException("cannot use ZooKeeper at " + settings.zk() + ": " + e.getMessage(), e);
    }
    return client;
  }
}
