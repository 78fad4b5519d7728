package dev.ringleader.supervisor.internal.activation;

import dev.ringleader.registry.Claim;
import dev.ringleader.registry.GlobalName;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.ReleasedEpochs;
import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.VersionedRing;
import dev.ringleader.registry.WorkerNames;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --names ring} (docs/names.md): the global name of a worker is held in memory by the node
 * that owns its ID in the current ring; ZooKeeper holds no znode per worker. A claim is taken at once,
 * with no ZooKeeper round trip, when (a) this node's session is live, (b) the current ring gives the
 * ID to this node, and (c) every other member has {@linkplain ReleasedEpochs released} the epoch
 * from which this node has owned the ID without a break: each of them has stopped every worker the
 * ring of that epoch (or a newer one) gives away, and never starts one its own current ring does not
 * give it. A member that has not let go yet holds the name until it has, or until its session ends.
 *
 * <p>This node's own release: after each ring change, once no activation here (starting, serving or
 * stopping; detached ones aside, as in ZooKeeper naming) is of an ID the current ring gives to
 * another node, this node publishes that epoch. It checks again when a worker ends and, while
 * something blocks it, every {@link #RECHECK_MS} ms.
 *
 * <p>Bounds: at most {@link #MAX_WAITING} activations wait for a name; one more is answered at once as
 * not free (it answers {@code 503 name_held}). The ring history kept is {@link #HISTORY} rings; an ID
 * owned through all of them counts as owned since the oldest (a later epoch: a stricter wait).
 */
public final class RingNames implements WorkerNames {
  private static final Logger log = LoggerFactory.getLogger(RingNames.class);
  static final int MAX_WAITING = 10_000;
  static final int HISTORY = 64;
  static final long RECHECK_MS = 20;

  private final String self;
  private final RingStore ring;
  private final Membership membership;
  private final ReleasedEpochs released;
  private final BooleanSupplier connected;
  /** The id of this node's ZooKeeper session now (0 when there is none). */
  private final java.util.function.LongSupplier session;
  private final ScheduledExecutorService timer;
  private final Executor executor;
  /** The rings seen, oldest first, at most {@link #HISTORY}; guarded by itself. */
  private final ArrayDeque<VersionedRing> history = new ArrayDeque<>();
  private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();
  private volatile LocalSupervisor local;
  /** Guarded by {@code this}: the epoch published, and whether a recheck is scheduled. */
  private long published = ReleasedEpochs.NONE;
  private boolean recheckScheduled;
  /**
   * The session in which the ring was last read from ZooKeeper itself, and that ring's epoch: no name
   * is taken in a session until this node's ring is at least that new. A node whose session expired
   * was no member meanwhile, so the others did not wait for it; the ring they moved its IDs in must
   * reach it before it takes a name again. Guarded by {@code this}.
   */
  private long readInSession;
  private long readEpoch = Long.MAX_VALUE;
  private boolean reading;

  public RingNames(String self, RingStore ring, Membership membership, ReleasedEpochs released,
      BooleanSupplier connected, java.util.function.LongSupplier session, ScheduledExecutorService timer,
      Executor executor) {
    this.session = session;
    this.self = self;
    this.ring = ring;
    this.membership = membership;
    this.released = released;
    this.connected = connected;
    this.timer = timer;
    this.executor = executor;
  }

  /** The activations whose IDs this node must let go of before it publishes an epoch; then listens. */
  public void attach(LocalSupervisor supervisor) {
    this.local = supervisor;
    ring.addListener(r -> {
      note(r);
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
    if (!connected.getAsBoolean()) {
      return CompletableFuture.failedFuture(new IllegalStateException("this node is cut off from ZooKeeper: "
          + "with --names ring a name is held only while the session is live"));
    }
    String holder = holder(type, id);
    return CompletableFuture.completedFuture(holder == null ? Claim.taken(0)
        : Claim.heldBy(new GlobalName(holder, -1, ring.current().epoch(), 0)));
  }

  /**
   * Null when this node may hold the name of {@code type/id} now; else who may still hold it (the ring
   * owner when it is another node, or a member that has not released the epoch this node owns it from).
   */
  String holder(String type, String id) {
    VersionedRing current = ring.current();
    note(current);
    if (!fresh(current)) {
      return "(this node's ring, until it is read again in its new ZooKeeper session)";
    }
    String owner = current.ring().isEmpty() ? null : current.ring().owner(type, id);
    if (!self.equals(owner)) {
      return owner == null ? "(no ring)" : owner;
    }
    long since = ownedSince(type, id, current);
    for (String member : membership.members().keySet()) {
      if (!member.equals(self) && released.of(member) < since) {
        return member;
      }
    }
    return null;
  }

  /** True once the ring was read in this session and {@code current} is at least as new; starts that read otherwise. */
  private synchronized boolean fresh(VersionedRing current) {
    long now = session.getAsLong();
    if (now != 0 && now == readInSession) {
      return current.epoch() >= readEpoch;
    }
    if (!reading && now != 0) {
      reading = true;
      executor.execute(() -> readRing(now));
    }
    return false;
  }

  private void readRing(long inSession) {
    long epoch = Long.MAX_VALUE;
    try {
      epoch = ring.read().epoch();
    } catch (Exception e) {
      log.warn("could not read the ring for ring naming: {}", e.toString());
    }
    synchronized (this) {
      reading = false;
      if (epoch != Long.MAX_VALUE) {
        readInSession = inSession;
        readEpoch = epoch;
      }
    }
    if (epoch == Long.MAX_VALUE) {
      timer.schedule(() -> executor.execute(this::wake), RECHECK_MS * 10, TimeUnit.MILLISECONDS);
    } else {
      wake();
    }
  }

  /** The first epoch of the unbroken run of rings, ending at {@code current}, in which this node owns the ID. */
  private long ownedSince(String type, String id, VersionedRing current) {
    long since = current.epoch();
    synchronized (history) {
      Iterator<VersionedRing> newestFirst = history.descendingIterator();
      while (newestFirst.hasNext()) {
        VersionedRing r = newestFirst.next();
        if (r.epoch() >= since) {
          continue; // the current ring itself (or one newer than it, noted meanwhile)
        }
        if (r.epoch() != since - 1 || !self.equals(r.ring().owner(type, id))) {
          break; // a gap in the epochs seen counts as a break: another node may have owned it then
        }
        since = r.epoch();
      }
    }
    return since;
  }

  private void note(VersionedRing r) {
    if (r.ring().isEmpty()) {
      return;
    }
    synchronized (history) {
      VersionedRing newest = history.peekLast();
      if (newest != null && newest.epoch() >= r.epoch()) {
        return;
      }
      history.addLast(r);
      while (history.size() > HISTORY) {
        history.removeFirst();
      }
    }
  }

  /** Nothing to give back: the name is this node's only while it owns the ID. Checks whether an epoch can be published. */
  @Override
  public CompletionStage<Void> release(String type, String id, long incarnation) {
    check();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Boolean> awaitAbsent(String type, String id, Duration timeout) {
    Waiter w = new Waiter(type, id);
    if (waiting.size() >= MAX_WAITING) {
      return CompletableFuture.completedFuture(false);
    }
    waiting.add(w);
    w.future.whenComplete((v, e) -> waiting.remove(w));
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
    if (holder == null) {
      w.future.complete(true);
    } else if (!ring.current().ring().isEmpty() && !self.equals(ring.current().ring().owner(w.type, w.id))) {
      w.future.complete(false);
    }
  }

  /** Publishes the current epoch once no activation here is of an ID it gives to another node. */
  public synchronized void check() {
    VersionedRing current = ring.current();
    LocalSupervisor supervisor = local;
    if (supervisor == null || current.ring().isEmpty() || current.epoch() <= published) {
      return;
    }
    Activation blocking = supervisor.allActivations()
        .filter(a -> !a.detached() && !self.equals(current.ring().owner(a.key.type(), a.key.id())))
        .findAny().orElse(null);
    if (blocking != null) {
      if (!recheckScheduled) {
        recheckScheduled = true;
        timer.schedule(() -> executor.execute(this::recheck), RECHECK_MS, TimeUnit.MILLISECONDS);
      }
      return;
    }
    try {
      if (released.publish(current.epoch())) {
        published = current.epoch();
        log.debug("node {} released ring epoch {}", self, current.epoch());
      }
    } catch (Exception e) {
      log.warn("could not publish the released ring epoch {}: {}", current.epoch(), e.toString());
    }
  }

  private void recheck() {
    synchronized (this) {
      recheckScheduled = false;
    }
    check();
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
