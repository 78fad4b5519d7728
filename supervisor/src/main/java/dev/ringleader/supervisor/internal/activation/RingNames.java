package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.registry.Claim;
import dev.ringleader.registry.ClusterPaths;
import dev.ringleader.registry.GlobalName;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.ReleasedEpochs;
import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.VersionedRing;
import dev.ringleader.registry.WorkerNames;
import dev.ringleader.worker.Worker;
import java.io.Closeable;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --names ring} (docs/names.md): the global name of a worker is held in memory by the node
 * that owns its ID in the current ring; ZooKeeper holds no znode per worker. A claim is taken at once,
 * with no ZooKeeper round trip, when (a) this node's session is live and its views caught up with
 * ZooKeeper in this connection ({@link CaughtUpView}), (b) its current ring (epoch {@code C}) gives the
 * ID to this node, and (c) every other node known as a member, or by a released znode, has
 * {@linkplain ReleasedEpochs released} an epoch in {@code [S, C]}, where {@code S} is the first epoch
 * from which this node has owned the ID without a break: a ring this node owns the ID in, so that
 * node had then stopped every worker of it, and starts one only in a ring newer than {@code C}.
 *
 * <p>This node's own release: after each ring change, once no activation here (starting, serving or
 * stopping; detached ones whose session is gone aside) is of an ID the current ring gives to another
 * node, it publishes that epoch; it checks again at most every {@link #RECHECK_MS} ms while a worker
 * ends or something blocks it, and until a write of it succeeded.
 *
 * <p>Bounds: at most {@link #MAX_WAITING} activations wait for a name; one more is refused at once
 * (it answers {@code 503 name_held}). The ring history kept is {@link #HISTORY} rings; an ID owned
 * through all of them counts as owned since the oldest (a later {@code S}: a stricter wait).
 */
public final class RingNames implements WorkerNames, Closeable {
  private static final Logger log = LoggerFactory.getLogger(RingNames.class);
  static final int MAX_WAITING = 10_000;
  static final int HISTORY = 64;
  static final long RECHECK_MS = 20;

  private final String self;
  private final RingStore ring;
  private final Membership membership;
  private final ReleasedEpochs released;
  private final BooleanSupplier connected;
  private final ScheduledExecutorService timer;
  private final Executor executor;
  private final CaughtUpView view;
  /** The rings seen, at most {@link #HISTORY}. */
  private final RingHistory history = new RingHistory(HISTORY);
  private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();
  private final AtomicInteger waitingCount = new AtomicInteger();
  private volatile LocalSupervisor local;
  /** Guarded by {@code this}: whether a check is scheduled (the epoch published is {@link ReleasedEpochs#published}). */
  private boolean checkScheduled;
  /** Checks in a row that found this epoch blocked (for the back-off and the warning). */
  private int blockedChecks;
  /** The last epoch whose failed write was logged (one warning per epoch, not one per retry). */
  private long warned = ReleasedEpochs.NONE;
  private volatile boolean closed;

  public RingNames(String self, RingStore ring, Membership membership, ReleasedEpochs released,
      BooleanSupplier connected, CuratorFramework client, ClusterPaths paths, ScheduledExecutorService timer,
      Executor executor) {
    this.self = self;
    this.ring = ring;
    this.membership = membership;
    this.released = released;
    this.connected = connected;
    this.timer = timer;
    this.executor = executor;
    this.view = new CaughtUpView(self, client, paths, ring, membership, released, () -> executor.execute(this::wake));
  }

  /** The activations whose IDs this node must let go of before it publishes an epoch; then listens. */
  public void attach(LocalSupervisor supervisor) {
    this.local = supervisor;
    ring.addListener(r -> {
      history.note(r);
      executor.execute(() -> {
        check();
        wake();
      });
    });
    membership.addListener(() -> executor.execute(this::wake));
    released.addListener(() -> executor.execute(this::wake));
  }

  @Override
  public CompletionStage<Claim> claim(String type, String id, GlobalName value) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("this node is stopping: it takes no name"));
    }
    int generation = view.generation(); // before the checks: a session that changes after them voids the claim
    if (!connected.getAsBoolean()) {
      return CompletableFuture.failedFuture(new IllegalStateException("this node is cut off from ZooKeeper: "
          + "with --names ring a name is held only while the session is live"));
    }
    String holder = holder(type, id);
    return CompletableFuture.completedFuture(holder == null ? Claim.taken(generation)
        : Claim.heldBy(new GlobalName(holder, -1, ring.current().epoch(), 0)));
  }

  /**
   * A claim taken is good while the session it was taken in is live: checked once the activation
   * counts as claimed (its version is the session generation of the claim).
   */
  @Override
  public boolean stillHeld(Claim claim) {
    return connected.getAsBoolean() && view.session() != 0 && view.generation() == claim.version();
  }

  /**
   * Null when this node may hold the name of {@code type/id} now; else who may still hold it (the ring
   * owner when it is another node, or a node that has not released an epoch in {@code [S, C]}).
   */
  String holder(String type, String id) {
    VersionedRing current = ring.current();
    history.note(current); // the ring listener may not have run yet
    if (!view.caughtUp()) {
      return "(this node's views, until they caught up with ZooKeeper in this connection)";
    }
    String owner = current.ring().isEmpty() ? null : current.ring().owner(type, id);
    if (!self.equals(owner)) {
      return owner == null ? "(no ring)" : owner;
    }
    long since = history.ownedSince(self, type, id, current);
    // Members and nodes with a released znode; one known both ways is looked at twice (no set built per claim).
    String lagging = lagging(membership.members().keySet(), since, current.epoch());
    return lagging != null ? lagging : lagging(released.nodes(), since, current.epoch());
  }

  /** The first of {@code nodes} (not this one) whose release is not in {@code [since, epoch]}, or null. */
  private String lagging(Iterable<String> nodes, long since, long epoch) {
    for (String node : nodes) {
      long r = released.of(node);
      if (!node.equals(self) && (r < since || r > epoch)) {
        return node; // not let go yet; or ahead of this node's ring, which must catch up first
      }
    }
    return null;
  }

  /** Nothing to give back: the name is this node's only while it owns the ID. A worker ended: check soon. */
  @Override
  public CompletionStage<Void> release(String type, String id, long incarnation) {
    scheduleCheck();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Boolean> awaitAbsent(String type, String id, Duration timeout) {
    if (waitingCount.incrementAndGet() > MAX_WAITING) {
      waitingCount.decrementAndGet();
      return CompletableFuture.completedFuture(false);
    }
    Waiter w = new Waiter(type, id);
    waiting.add(w);
    w.future.whenComplete((v, e) -> {
      waiting.remove(w);
      waitingCount.decrementAndGet();
    });
    evaluate(w);
    if (!w.future.isDone()) {
      var timeoutTask = timer.schedule(() -> w.future.complete(false), timeout.toMillis(), TimeUnit.MILLISECONDS);
      w.future.whenComplete((v, e) -> timeoutTask.cancel(false));
    }
    return w.future.thenApplyAsync(v -> v, executor);
  }

  private void wake() {
    for (Waiter w : waiting) {
      evaluate(w);
    }
  }

  /** Done when the name is free here (true), or when the ring gives the ID to another node (false: never here). */
  private void evaluate(Waiter w) {
    String holder = holder(w.type, w.id);
    VersionedRing current = ring.current();
    if (holder == null) {
      w.future.complete(true);
    } else if (!current.ring().isEmpty() && !self.equals(current.ring().owner(w.type, w.id))) {
      w.future.complete(false);
    }
  }

  /**
   * A check soon (at most one scheduled at a time): {@link #RECHECK_MS} ms after a ring change,
   * doubling while the same epoch stays blocked, at most 1 s (a worker's stop checks at once anyway).
   */
  private void scheduleCheck() {
    long delay;
    synchronized (this) {
      if (closed || checkScheduled || ring.current().epoch() <= released.published()) {
        return;
      }
      checkScheduled = true;
      delay = Math.min(1_000, RECHECK_MS << Math.min(blockedChecks, 6));
    }
    timer.schedule(() -> executor.execute(() -> {
      synchronized (this) {
        checkScheduled = false;
      }
      check();
    }), delay, TimeUnit.MILLISECONDS);
  }

  /** Publishes the current epoch once no activation here is of an ID it gives to another node. */
  public void check() {
    VersionedRing current = ring.current();
    LocalSupervisor supervisor = local;
    synchronized (this) {
      if (closed || supervisor == null || current.ring().isEmpty() || current.epoch() <= released.published()) {
        return;
      }
    }
    Activation blocking = supervisor.allActivations().filter(a -> holds(a)
        && !self.equals(current.ring().owner(a.key.type(), a.key.id()))).findAny().orElse(null);
    boolean blocked = blocking != null;
    synchronized (this) {
      blockedChecks = blocked ? blockedChecks + 1 : 0;
      if (blocked && blockedChecks == 8 && warned < current.epoch()) {
        warned = current.epoch(); // about 2.5 s blocked: say which worker every moved ID waits for
        log.warn("node {} cannot release ring epoch {} yet: its worker {} ({}) has not stopped; every ID this "
            + "ring change moved waits for it", self, current.epoch(), blocking.key, blocking.worker() == null
            ? "activating" : blocking.worker().status());
      }
    }
    boolean written = false;
    if (!blocked) {
      try {
        written = released.publish(current.epoch());
      } catch (Exception e) {
        synchronized (this) {
          if (warned < current.epoch()) {
            warned = current.epoch();
            log.warn("could not publish the released ring epoch {} (retried every {} ms): {}", current.epoch(),
                RECHECK_MS, e.toString());
          }
        }
      }
    }
    if (!written) {
      scheduleCheck();
    }
  }

  /**
   * True while the activation may still run as the holder of its ID: not stopped, and not detached
   * with its session gone (a detached one whose session is still live, e.g. cut off from ZooKeeper
   * for less than the session, still holds its name as its znode would).
   */
  private static boolean holds(Activation a) {
    Worker<?> w = a.worker();
    if (w != null && w.status() == Worker.Status.STOPPED) {
      return false;
    }
    return !(a.detached() && !a.nameHeld);
  }

  /** Refuses every waiting activation and stops reading the views. */
  @Override
  public void close() {
    closed = true;
    view.close();
    for (Waiter w : waiting) {
      w.future.complete(false);
    }
  }

  /** An activation waiting for its name. */
  private static final class Waiter {
    final String type;
    final String id;
    final CompletableFuture<Boolean> future = new CompletableFuture<>();

    Waiter(String type, String id) {
      this.type = type;
      this.id = id;
    }
  }
}
