package dev.ringleader.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

/**
 * The global names of live workers: one ephemeral znode per activation, owned by the hosting node's
 * session, at {@code registry/<type>/<bucket>/<id>}. Every call is asynchronous (Curator
 * {@code inBackground}) so the request path never blocks a thread on ZooKeeper.
 *
 * <p>ZooKeeper guarantees that only one session can create a given path; it does not guarantee that
 * the holder is still alive (a holder's name lasts until its session expires). Deciding what to do
 * about a name held by another node is the caller's business.
 */
public final class NameRegistry {
  private final CuratorFramework client;
  private final ClusterPaths paths;

  public NameRegistry(CuratorFramework client, ClusterPaths paths) {
    this.client = client;
    this.paths = paths;
  }

  /** Tries to create the name; when it exists, reads who holds it. */
  public CompletionStage<Claim> claim(String type, String id, GlobalName value) {
    CompletableFuture<Claim> out = new CompletableFuture<>();
    String path = paths.name(type, id);
    try {
      client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
          .inBackground((c, event) -> {
            Code code = Code.get(event.getResultCode());
            switch (code) {
              case OK -> out.complete(Claim.taken(0));
              case NODEEXISTS -> lookup(type, id).whenComplete((holder, err) -> {
                if (err != null) {
                  out.completeExceptionally(err);
                } else if (holder.isPresent() && holder.get().equals(value)) {
                  // Our own create: it succeeded, but its answer was lost with a ZooKeeper server
                  // and Curator's retry found the node (the incarnation makes the value unique).
                  out.complete(Claim.taken(0));
                } else {
                  out.complete(Claim.heldBy(holder.orElse(null)));
                }
              });
              default -> out.completeExceptionally(KeeperException.create(code, path));
            }
          })
          .forPath(path, RegistryJson.write(value));
    } catch (Exception e) {
      out.completeExceptionally(e);
    }
    return out;
  }

  /** Reads who holds the name, if anyone. */
  public CompletionStage<Optional<GlobalName>> lookup(String type, String id) {
    CompletableFuture<Optional<GlobalName>> out = new CompletableFuture<>();
    String path = paths.name(type, id);
    try {
      client.getData().inBackground((c, event) -> {
        Code code = Code.get(event.getResultCode());
        switch (code) {
          case OK -> out.complete(Optional.of(RegistryJson.read(event.getData(), GlobalName.class)));
          case NONODE -> out.complete(Optional.empty());
          default -> out.completeExceptionally(KeeperException.create(code, path));
        }
      }).forPath(path);
    } catch (Exception e) {
      out.completeExceptionally(e);
    }
    return out;
  }

  /**
   * Deletes the name if it is still the one this activation created: held by this client's session
   * with the given incarnation. A name already gone, or taken by someone else, is left alone.
   */
  public CompletionStage<Void> release(String type, String id, long incarnation) {
    CompletableFuture<Void> out = new CompletableFuture<>();
    String path = paths.name(type, id);
    try {
      client.getData().inBackground((c, event) -> {
        Code code = Code.get(event.getResultCode());
        if (code == Code.NONODE) {
          out.complete(null);
          return;
        }
        if (code != Code.OK) {
          out.completeExceptionally(KeeperException.create(code, path));
          return;
        }
        Stat stat = event.getStat();
        GlobalName held = RegistryJson.read(event.getData(), GlobalName.class);
        long session = c.getZookeeperClient().getZooKeeper().getSessionId();
        if (stat.getEphemeralOwner() != session || held.incarnation() != incarnation) {
          out.complete(null);
          return;
        }
        c.delete().withVersion(stat.getVersion()).inBackground((c2, e2) -> {
          Code code2 = Code.get(e2.getResultCode());
          switch (code2) {
            case OK, NONODE, BADVERSION -> out.complete(null);
            default -> out.completeExceptionally(KeeperException.create(code2, path));
          }
        }).forPath(path);
      }).forPath(path);
    } catch (Exception e) {
      out.completeExceptionally(e);
    }
    return out;
  }

  /**
   * Completes when the name does not exist (at once if it does not), or with false after
   * {@code timeout}. Uses a ZooKeeper watch, not polling.
   */
  public CompletionStage<Boolean> awaitAbsent(String type, String id, Duration timeout) {
    CompletableFuture<Boolean> out = new CompletableFuture<>();
    String path = paths.name(type, id);
    Watcher watcher = event -> {
      if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
        out.complete(true);
      }
    };
    try {
      client.checkExists().usingWatcher(watcher).inBackground((c, event) -> {
        if (Code.get(event.getResultCode()) == Code.NONODE) {
          out.complete(true);
        }
      }).forPath(path);
    } catch (Exception e) {
      out.completeExceptionally(e);
    }
    return out.completeOnTimeout(false, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Every name of a type currently in ZooKeeper (synchronous; for views and tests, not requests). */
  public List<String> list(String type) throws Exception {
    List<String> out = new ArrayList<>();
    String base = paths.registryType(type);
    if (client.checkExists().forPath(base) == null) {
      return out;
    }
    for (String bucket : client.getChildren().forPath(base)) {
      try {
        out.addAll(client.getChildren().forPath(base + "/" + bucket));
      } catch (KeeperException.NoNodeException e) {
        // a container bucket deleted meanwhile
      }
    }
    return out;
  }

  /** Every worker type that has a directory under {@code registry/}. */
  public List<String> types() throws Exception {
    if (client.checkExists().forPath(paths.registry()) == null) {
      return List.of();
    }
    return client.getChildren().forPath(paths.registry());
  }

  /** Reads one name synchronously (views and tests). */
  public Optional<GlobalName> get(String type, String id) throws Exception {
    try {
      return Optional.of(RegistryJson.read(client.getData().forPath(paths.name(type, id)), GlobalName.class));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    }
  }

}
