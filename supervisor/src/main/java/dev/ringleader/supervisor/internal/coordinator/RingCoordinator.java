package dev.ringleader.supervisor.internal.coordinator;

import dev.ringleader.registry.Membership;
import dev.ringleader.registry.RingSpec;
import dev.ringleader.registry.RingStore;
import dev.ringleader.registry.RingWrite;
import dev.ringleader.registry.VersionedRing;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's duty: keep the ring znode equal to what the members call for. Runs on one thread of
 * its own, so decisions never overlap; a burst of triggers collapses into one pass. A new leader
 * simply runs a pass, which finishes or redoes any change its predecessor left half done.
 */
public final class RingCoordinator {
  private static final Logger log = LoggerFactory.getLogger(RingCoordinator.class);
  private static final int MAX_ATTEMPTS = 10;

  private final String node;
  private final Leadership leadership;
  private final Membership membership;
  private final RingStore ring;
  private final int vnodes;
  private final CoalescingTask passes;

  public RingCoordinator(String node, Leadership leadership, Membership membership, RingStore ring, int vnodes,
      ExecutorService executor) {
    this.node = node;
    this.leadership = leadership;
    this.membership = membership;
    this.ring = ring;
    this.vnodes = vnodes;
    this.passes = new CoalescingTask(executor, this::pass);
  }

  /** Asks for a pass; cheap, from any thread. */
  public void trigger() {
    passes.trigger();
  }

  private void pass() {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS && leadership.isLeader(); attempt++) {
      try {
        VersionedRing current = ring.read();
        RingSpec currentSpec = current.version() < 0 ? null : current.ring().spec();
        Optional<RingSpec> next = RingPlanner.plan(currentSpec, membership.members().values(), vnodes);
        if (next.isEmpty()) {
          return;
        }
        RingWrite result = ring.write(next.get(), current.version(), leadership.fencePath());
        switch (result) {
          case OK -> {
            log.info("leader {} wrote ring epoch {}: {}", node, next.get().epoch(), next.get().members().stream()
                .map(m -> m.weight() == 1 ? m.node() : m.node() + " (weight " + m.weight() + ")").toList());
            return;
          }
          case BAD_VERSION, ALREADY_EXISTS -> log.info("ring changed under leader {}; deciding again", node);
          case NOT_LEADER -> {
            log.info("node {} lost the lead before writing the ring", node);
            return;
          }
        }
      } catch (Exception e) {
        log.warn("ring pass failed on leader {} (attempt {}): {}", node, attempt, e.toString());
      }
    }
  }
}
