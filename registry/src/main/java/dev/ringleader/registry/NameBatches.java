package dev.ringleader.registry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;

/**
 * The writes of global names, batched (issue 15): the creates of claims ({@link #creates}) and the
 * deletes of releases ({@link #deletes}), each kind on its own. A claim goes out at once while fewer than
 * {@link #MAX_BATCHES_IN_FLIGHT} batches are in flight (an idle node's claim is one round trip, as
 * before); the claims that arrive meanwhile wait, and each answered batch sends up to {@link
 * #MAX_BATCH} of them as one ZooKeeper {@code multi} (one request, one transaction, one log write on
 * the server, instead of one each).
 *
 * <p>A {@code multi} is all or nothing: one name another session holds (or a bucket not yet made)
 * fails the whole batch and creates none of it. A missing bucket is made (persistent: a busy
 * bucket stays) and the batch goes once more. When a batch fails for any other reason, including a
 * lost connection (then it may have been applied), every claim in it is made again on its own, by
 * the one-at-a-time claim of {@link NameRegistry}, which already tells a name held by another
 * session from its own create whose answer was lost. Contention on a name is rare (two nodes
 * activating one ID during a ring change), so the batch path is the common one.
 *
 * <p>Bounded: at most {@link #MAX_WAITING} writes of each kind wait; beyond, {@link #submit} refuses
 * and the caller fails the claim (retryable) or deletes alone. Thread-safe; the callbacks run on Curator's event thread.
 */
final class NameBatches {
  static final int MAX_BATCH = 128;
  static final int MAX_BATCHES_IN_FLIGHT = 4;
  static final int MAX_WAITING = 10_000;

  /**
   * One write: its path, its bytes (a create) or version (a delete), what to do once its batch was
   * applied, and the write made on its own (when it goes out alone, or its batch failed), which
   * completes when answered.
   */
  private record Write(String path, byte[] data, int version, Runnable applied, Supplier<CompletionStage<?>> alone,
      java.util.function.BooleanSupplier moot) {}

  private final CuratorFramework client;
  /** True for the creates (an ephemeral create per name), false for the deletes (by version). */
  private final boolean creating;
  private final ArrayDeque<Write> waiting = new ArrayDeque<>();
  private int inFlight;
  /** Batches sent as one multi, and those of them that failed (tests, figures). */
  final LongAdder multis = new LongAdder();
  final LongAdder failedMultis = new LongAdder();

  private NameBatches(CuratorFramework client, boolean creating) {
    this.client = client;
    this.creating = creating;
  }

  /** The creates of claims: ephemeral znodes carrying the name's value. */
  static NameBatches creates(CuratorFramework client) {
    return new NameBatches(client, true);
  }

  /**
   * The deletes of releases, each by the version its release read: a batch in which one name went
   * or changed meanwhile ({@code NONODE}, {@code BADVERSION}) deletes none, and each goes alone.
   */
  static NameBatches deletes(CuratorFramework client) {
    return new NameBatches(client, false);
  }

  /** Sends or queues the create of {@code data} at {@code path}; false when {@link #MAX_WAITING} already wait. */
  boolean submit(String path, byte[] data, Runnable applied, Supplier<CompletionStage<?>> alone) {
    return submit(new Write(path, data, -1, applied, alone, () -> false));
  }

  /**
   * Sends or queues the delete of {@code path} at {@code version}; false when {@link #MAX_WAITING}
   * already wait. {@code moot} is asked just before the delete goes out: true (the session that read
   * the name is gone, and the name with it) drops it as done, so a delete that waited never removes
   * a name another session created meanwhile at the same version.
   */
  boolean submitDelete(String path, int version, Runnable deleted, Supplier<CompletionStage<?>> alone,
      java.util.function.BooleanSupplier moot) {
    return submit(new Write(path, null, version, deleted, alone, moot));
  }

  private boolean submit(Write c) {
    synchronized (this) {
      if (inFlight >= MAX_BATCHES_IN_FLIGHT) {
        if (waiting.size() >= MAX_WAITING) {
          return false;
        }
        waiting.add(c);
        return true;
      }
      inFlight++;
    }
    send(List.of(c));
    return true;
  }

  private void send(List<Write> all) {
    List<Write> batch = new ArrayList<>(all.size());
    for (Write c : all) {
      if (c.moot().getAsBoolean()) {
        c.applied().run();
      } else {
        batch.add(c);
      }
    }
    if (batch.isEmpty()) {
      done();
      return;
    }
    if (batch.size() == 1) {
      try {
        batch.get(0).alone().get().whenComplete((v, e) -> done());
      } catch (RuntimeException e) {
        done();
        throw e;
      }
      return;
    }
    sendMulti(batch, false);
  }

  /**
   * One batch as one multi. A batch that failed because a bucket ({@code registry/<type>/<bucket>})
   * did not exist (a type's first claims, or a bucket ZooKeeper removed when it emptied) makes its
   * buckets and goes once more; any other failure sends each claim alone.
   */
  private void sendMulti(List<Write> batch, boolean bucketsMade) {
    multis.increment();
    try {
      List<CuratorOp> ops = new ArrayList<>(batch.size());
      for (Write c : batch) {
        ops.add(creating
            ? client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(c.path(), c.data())
            : client.transactionOp().delete().withVersion(c.version()).forPath(c.path()));
      }
      client.transaction().inBackground((cf, event) -> {
        Code code = Code.get(event.getResultCode());
        if (code == Code.OK) {
          batch.forEach(c -> c.applied().run());
          done();
          return;
        }
        failedMultis.increment();
        if (creating && code == Code.NONODE && !bucketsMade) {
          makeBuckets(batch, () -> sendMulti(batch, true));
          return;
        }
        batch.forEach(c -> c.alone().get()); // none of it was created, or (connection lost) perhaps all
        done();
      }).forOperations(ops);
    } catch (Exception e) {
      failedMultis.increment();
      batch.forEach(c -> c.alone().get());
      done();
    }
  }

  /** Creates the buckets of the batch's names that do not exist (persistent), then runs {@code then}. */
  private void makeBuckets(List<Write> batch, Runnable then) {
    java.util.Set<String> buckets = new java.util.TreeSet<>();
    batch.forEach(c -> buckets.add(c.path().substring(0, c.path().lastIndexOf('/'))));
    java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(buckets.size());
    for (String bucket : buckets) {
      try {
        client.create().creatingParentsIfNeeded().inBackground((cf, event) -> {
          if (left.decrementAndGet() == 0) {
            then.run(); // made, already there, or failed: the batch's second try tells
          }
        }).forPath(bucket);
      } catch (Exception e) {
        if (left.decrementAndGet() == 0) {
          then.run();
        }
      }
    }
  }

  /** A batch was answered: the next one goes out with what waits, or the slot is free. */
  private void done() {
    List<Write> next = new ArrayList<>();
    synchronized (this) {
      while (!waiting.isEmpty() && next.size() < MAX_BATCH) {
        next.add(waiting.poll());
      }
      if (next.isEmpty()) {
        inFlight--;
        return;
      }
    }
    send(next);
  }
}
