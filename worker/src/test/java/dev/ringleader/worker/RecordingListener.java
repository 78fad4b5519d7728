package dev.ringleader.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link WorkerListener} that remembers every call. */
final class RecordingListener implements WorkerListener {
  record Call(Worker<?> worker, StopReason reason, Snapshot<?> last) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();

  @Override
  public void stopped(Worker<?> worker, StopReason reason, Snapshot<?> last) {
    calls.add(new Call(worker, reason, last));
  }
}
