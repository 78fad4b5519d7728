package dev.ringleader.registry;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global names of live workers: one ephemeral znode per activation, owned by the hosting node's
 * session, at {@code registry/<type>/<bucket>/<id>}. Every call is asynchronous (Curator
 * {@code inBackground}) so the request path never blocks a thread on ZooKeeper; claims that arrive
 * while others are in flight go together in one {@code multi} ({@link NameBatches}).
 *
 * <p>ZooKeeper guarantees that only one session can create a given path; it does not guarantee that
 * the holder is still alive (a holder's name lasts until its session expires). Deciding what to do
 * about a name held by another node is the caller's business.
 */
public final class NameRegistry implements WorkerNames, Closeable {
  private static final Logger log = LoggerFactory.getLogger(NameRegistry.class);

  private final CuratorFramework client;
  private final ClusterPaths paths;
  /** Null for a read-only registry. */
  private final ScheduledExecutorService timer;
  private final Executor executor;
  private final ConnectionStateListener connectionListener = (c, s) -> onConnectionState(s);
  /** The creates of claims and the deletes of releases, batched into {@code multi}s while others are in flight. */
  private final NameBatches creates;
  private final NameBatches deletes;

  /**
   * Claims whose outcome is unknown (the create may have succeeded while its answer was lost): their
   * names, if they exist, are released once the connection is back ({@link UnsureClaims}).
   */
  private final UnsureClaims unsure;

  /**
   * A registry for reading names only ({@link #list}, {@link #get}, {@link #lookup}): views and tests.
   * {@link #awaitAbsent} needs the constructor with a timer.
   */
  public NameRegistry(CuratorFramework client, ClusterPaths paths) {
    this(client, paths, null, Runnable::run);
  }

  /**
   * @param timer schedules the timeouts of {@link #awaitAbsent} (it only schedules: what follows
   *     runs on {@code executor})
   * @param executor runs the continuations of a completed {@link #awaitAbsent}, and of a timed-out one
   */
  public NameRegistry(CuratorFramework client, ClusterPaths paths, ScheduledExecutorService timer,
      Executor executor) {
    this.client = client;
    this.paths = paths;
    this.timer = timer;
    this.executor = executor;
    this.creates = NameBatches.creates(client);
    this.deletes = NameBatches.deletes(client);
    this.unsure = new UnsureClaims(paths, this::release, () -> client.getZookeeperClient().isConnected());
    client.getConnectionStateListenable().addListener(connectionListener);
  }

  /** Stops watching the connection; names this session holds stay (they go with the session). */
  @Override
  public void close() {
    client.getConnectionStateListenable().removeListener(connectionListener);
    unsure.clear();
  }

  /** The one place that reacts to the ZooKeeper connection. */
  private void onConnectionState(ConnectionState state) {
    switch (state) {
      case CONNECTED, RECONNECTED -> unsure.releaseAll();
      case LOST -> {
        // The session that may have created them is gone, and its ephemerals with it.
        unsure.clear();
      }
      case SUSPENDED, READ_ONLY -> { }
    }
  }

  /**
   * Tries to create the name; when it exists, reads who holds it. A claim that completes
   * exceptionally must not be used: the caller gives up this incarnation (a claim whose outcome is
   * unknown is cleaned up here, see {@link UnsureClaims}).
   */
  @Override
  public CompletionStage<Claim> claim(String type, String id, GlobalName value) {
    CompletableFuture<Claim> out = new CompletableFuture<>();
    byte[] bytes = RegistryJson.write(value);
    if (!creates.submit(paths.name(type, id), bytes, () -> out.complete(Claim.taken(0)),
        () -> claimAlone(type, id, value, bytes, out))) {
      out.completeExceptionally(new IllegalStateException("more than " + NameBatches.MAX_WAITING + " claims of "
          + "global names wait for ZooKeeper; retry shortly"));
    }
    return out;
  }

  /**
   * One claim on its own: when it goes out alone, or its batch failed (docs: {@link NameBatches}).
   * Completes {@code out} and returns it.
   */
  private CompletableFuture<Claim> claimAlone(String type, String id, GlobalName value, byte[] bytes,
      CompletableFuture<Claim> out) {
    String path = paths.name(type, id);
    try {
      client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
          .inBackground((c, event) -> {
            Code code = Code.get(event.getResultCode());
            switch (code) {
              case OK -> out.complete(Claim.taken(0));
              case NODEEXISTS -> lookup(type, id).whenComplete((holder, err) -> {
                if (err != null) {
                  // It exists, perhaps from our own create whose answer was lost: we cannot tell.
                  outcomeUnknown(type, id, value);
                  out.completeExceptionally(err);
                } else if (holder.isPresent() && holder.get().equals(value)) {
                  // Our own create: it succeeded, but its answer was lost with a ZooKeeper server
                  // and Curator's retry found the node (the incarnation makes the value unique).
                  out.complete(Claim.taken(0));
                } else {
                  out.complete(Claim.heldBy(holder.orElse(null)));
                }
              });
              case CONNECTIONLOSS, OPERATIONTIMEOUT -> {
                // The create may have been applied and only its answer lost.
                outcomeUnknown(type, id, value);
                out.completeExceptionally(KeeperException.create(code, path));
              }
              default -> out.completeExceptionally(KeeperException.create(code, path));
            }
          })
          .forPath(path, bytes);
    } catch (Exception e) {
      out.completeExceptionally(e);
    }
    return out;
  }

  /** Batches of name creates sent as one {@code multi}, and those that failed (tests and figures). */
  long[] multis() {
    return new long[] {creates.multis.sum(), creates.failedMultis.sum()};
  }

  /** Batches of name deletes sent as one {@code multi}, and those that failed (tests and figures). */
  long[] deleteMultis() {
    return new long[] {deletes.multis.sum(), deletes.failedMultis.sum()};
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
  @Override
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
        long session = sessionId();
        if (session == 0) {
          out.complete(null); // the client closed meanwhile: the session, and with it the name, is gone
          return;
        }
        if (stat.getEphemeralOwner() != session || held.incarnation() != incarnation) {
          out.complete(null);
          return;
        }
        int version = stat.getVersion();
        if (!deletes.submitDelete(path, version, () -> out.complete(null), () -> deleteAlone(path, version, out),
            () -> sessionId() != session)) {
          deleteAlone(path, version, out); // too many wait to go in a batch: this one goes alone
        }
      }).forPath(path);
    } catch (Exception e) {
      out.completeExceptionally(e);
    }
    return out;
  }

  /** This client's current session id, or 0 when it has none (closed). */
  private long sessionId() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception closed) {
      return 0;
    }
  }

  /** The delete of one release on its own (alone, or its batch failed); completes {@code out} and returns it. */
  private CompletableFuture<Void> deleteAlone(String path, int version, CompletableFuture<Void> out) {
    try {
      client.delete().withVersion(version).inBackground((c2, e2) -> {
        Code code2 = Code.get(e2.getResultCode());
        switch (code2) {
          case OK, NONODE, BADVERSION -> out.complete(null); // gone, or another's now: left alone
          default -> out.completeExceptionally(KeeperException.create(code2, path));
        }
      }).forPath(path);
    } catch (Exception e) {
      out.completeExceptionally(e);
    }
    return out;
  }

  /**
   * Completes when the name does not exist (at once if it does not), or with false after
   * {@code timeout}. Uses a ZooKeeper watch, not polling; the watch is removed when the wait ends
   * without it firing (ZooKeeper keeps a watch until it fires or the session ends, so every timed-out
   * wait would otherwise leave one behind). Dependent stages of a completion run on this registry's
   * executor, never on the ZooKeeper event thread or the timer.
   */
  @Override
  public CompletionStage<Boolean> awaitAbsent(String type, String id, Duration timeout) {
    if (timer == null) {
      throw new IllegalStateException("this NameRegistry was made without a timer: it cannot wait");
    }
    CompletableFuture<Boolean> out = new CompletableFuture<>();
    String path = paths.name(type, id);
    AtomicBoolean done = new AtomicBoolean();
    ScheduledFuture<?>[] timeoutTask = new ScheduledFuture<?>[1];
    Watcher[] watcher = new Watcher[1];
    // Completes once; watchGone: ZooKeeper holds no watch for this wait any more (it fired, or none was set).
    java.util.function.BiConsumer<Boolean, Boolean> finish = (gone, watchGone) -> {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      if (timeoutTask[0] != null) {
        timeoutTask[0].cancel(false);
      }
      if (!watchGone) {
        removeWatch(path, watcher[0]);
      }
      try {
        executor.execute(() -> out.complete(gone));
      } catch (RejectedExecutionException e) {
        out.complete(gone); // the node is shutting down
      }
    };
    watcher[0] = event -> {
      if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
        finish.accept(true, true);
      }
    };
    try {
      timeoutTask[0] = timer.schedule(() -> finish.accept(false, false), timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      out.complete(false); // the node is shutting down
      return out;
    }
    try {
      // getData, not exists: on an absent path exists would leave an exists-watch behind, getData sets none.
      client.getData().usingWatcher(watcher[0]).inBackground((c, event) -> {
        if (Code.get(event.getResultCode()) == Code.NONODE) {
          finish.accept(true, true);
        }
      }).forPath(path);
    } catch (Exception e) {
      finish.accept(false, false);
    }
    return out;
  }

  private void removeWatch(String path, Watcher watcher) {
    try {
      client.watchers().remove(watcher).ofType(Watcher.WatcherType.Any).quietly().inBackground().forPath(path);
    } catch (Exception e) {
      log.debug("could not remove the watch on {}", path, e);
    }
  }

  /** A claim of {@code value} failed without knowing whether its create was applied. */
  void outcomeUnknown(String type, String id, GlobalName value) {
    unsure.add(type, id, value.incarnation());
  }

  /** How many claims with an unknown outcome wait for their names to be checked (tests). */
  int unsureCount() {
    return unsure.count();
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
