package dev.ringleader.supervisor.internal.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ringleader.registry.Member;
import dev.ringleader.registry.Membership;
import dev.ringleader.registry.SessionTickets;
import dev.ringleader.supervisor.internal.node.EventLog;
import dev.ringleader.supervisor.internal.node.Json;
import dev.ringleader.supervisor.internal.node.NodeMetrics;
import dev.ringleader.supervisor.internal.peer.PeerClient;
import dev.ringleader.supervisor.internal.peer.PeerOp;
import dev.ringleader.supervisor.internal.peer.PeerRequest;
import dev.ringleader.supervisor.internal.peer.PeerResponse;
import dev.ringleader.supervisor.internal.peer.PeerUnreachableException;
import java.io.Closeable;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast death signal (docs/failover.md): a process that is gone has its ports closed by the OS,
 * so a connect to its peer port is refused at once, while a frozen or cut-off process gives only
 * silence. Every {@code crash-probe-ms} the judge asks each member it watches {@link PeerOp#IDENTIFY}
 * (over this node's peer connection to it); a member is declared crashed when
 * <ul>
 *   <li>two probes in a row are refused ({@code refused}), or
 *   <li>another process answers at its peer address: a different node, or the same node with another
 *       incarnation, i.e. its restarted process ({@code new_incarnation}).
 * </ul>
 * Then the judge ends the member's ZooKeeper session with its {@link SessionTickets ticket}: its
 * member znode, latch entry and global names go at once, as on an expiry, and the usual failover
 * follows (a new ring, activations from the backups). Silence (a timeout) is never evidence.
 *
 * <p>The judge: the leader watches every other member; the deputy (the first member by name that is
 * not the leader) watches the leader. Only while this node is connected to ZooKeeper (a node cut off
 * cannot tell its own trouble from another's). Life cycle LATENT → STARTED → CLOSED; its probes and
 * the session end run on the node's crash-detector thread. Bounded: one probe in flight per member.
 */
public final class CrashDetector implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(CrashDetector.class);
  /** How often the deputy re-reads who leads (the latch tells only the leader itself at once). */
  private static final long LEADER_REFRESH_NANOS = Duration.ofSeconds(1).toNanos();
  /** How long the session end may wait for ZooKeeper to take it. */
  private static final Duration END_TIMEOUT = Duration.ofSeconds(3);

  private enum State { LATENT, STARTED, CLOSED }

  private final String self;
  private final Duration interval;
  private final Membership membership;
  private final Leadership leadership;
  private final PeerClient peers;
  private final SessionTickets tickets;
  private final String zookeeper;
  private final BooleanSupplier connected;
  private final EventLog events;
  private final NodeMetrics metrics;
  private final ScheduledExecutorService thread;
  /** Per member (node name): refused probes in a row, for its current incarnation. */
  private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
  /** Members with a probe in flight: at most one each. */
  private final Map<String, Boolean> probing = new ConcurrentHashMap<>();
  /** Sessions this node has ended already (or found no ticket for), so each is judged once. */
  private final Map<Long, Boolean> judged = new ConcurrentHashMap<>();
  private volatile State state = State.LATENT;
  private ScheduledFuture<?> ticks;
  private long leaderReadAt;

  public CrashDetector(String self, Duration interval, Membership membership, Leadership leadership,
      PeerClient peers, SessionTickets tickets, String zookeeper, BooleanSupplier connected, EventLog events,
      NodeMetrics metrics, ScheduledExecutorService thread) {
    this.self = self;
    this.interval = interval;
    this.membership = membership;
    this.leadership = leadership;
    this.peers = peers;
    this.tickets = tickets;
    this.zookeeper = zookeeper;
    this.connected = connected;
    this.events = events;
    this.metrics = metrics;
    this.thread = thread;
  }

  public synchronized void start() {
    if (state != State.LATENT) {
      throw new IllegalStateException("crash detector of " + self + " already started");
    }
    state = State.STARTED;
    long ms = interval.toMillis();
    ticks = thread.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      if (state != State.STARTED || !connected.getAsBoolean()) {
        return;
      }
      Map<String, Member> members = membership.members();
      for (Member m : members.values()) {
        if (!m.node().equals(self) && m.peer() != null && watches(m.node(), members)
            && probing.putIfAbsent(m.node(), Boolean.TRUE) == null) {
          probe(m);
        }
      }
    } catch (RuntimeException e) {
      log.warn("crash detector of {}: {}", self, e.toString());
    }
  }

  /** True when this node is the judge of {@code node}: the leader of everyone, the deputy of the leader. */
  private boolean watches(String node, Map<String, Member> members) {
    if (leadership.isLeader()) {
      return true;
    }
    long now = System.nanoTime();
    if (now - leaderReadAt > LEADER_REFRESH_NANOS) {
      leaderReadAt = now;
      leadership.leader(); // refreshes lastKnownLeader (one read of the latch per second)
    }
    String leader = leadership.lastKnownLeader();
    if (leader == null || !leader.equals(node)) {
      return false;
    }
    String deputy = members.keySet().stream().filter(n -> !n.equals(leader)).findFirst().orElse(null);
    return self.equals(deputy);
  }

  private void probe(Member m) {
    long session = membership.sessionOf(m.node());
    peers.send(m.peer(), PeerRequest.of(PeerOp.IDENTIFY, null), interval.multipliedBy(3).plusMillis(200))
        .whenCompleteAsync((r, e) -> {
          try {
            verdict(m, session, r, e);
          } finally {
            probing.remove(m.node());
          }
        }, thread);
  }

  private void verdict(Member m, long session, PeerResponse r, Throwable e) {
    if (state != State.STARTED || session == 0 || judged.containsKey(session)) {
      return;
    }
    if (e == null) {
      metrics.crashProbe("answered");
      refusals.remove(m.node());
      JsonNode id = r.status() == 200 ? read(r.body()) : null;
      if (id != null && (!m.node().equals(id.path("node").asText()) || id.path("incarnation").asLong() != m.startedAt())) {
        crashed(m, session, "new_incarnation", "another process answers at its peer address " + m.peer() + " (node "
            + id.path("node").asText() + ", incarnation " + id.path("incarnation").asLong() + ")");
      }
      return;
    }
    if (!refused(e)) {
      metrics.crashProbe("silent");
      refusals.remove(m.node()); // silence, or a connection cut after it opened: no evidence
      return;
    }
    metrics.crashProbe("refused");
    int n = refusals.merge(m.node(), 1, Integer::sum);
    if (n >= 2) {
      refusals.remove(m.node());
      crashed(m, session, "refused", "its peer port " + m.peer() + " refused " + n + " connections in a row");
    }
  }

  private void crashed(Member m, long session, String evidence, String why) {
    judged.put(session, Boolean.TRUE);
    if (session != membership.sessionOf(m.node())) {
      return; // the member znode changed meanwhile: judge the new one afresh
    }
    try {
      Optional<SessionTickets.Ticket> ticket = tickets.read(m.node(), session);
      if (ticket.isEmpty()) {
        log.warn("node {} (incarnation {}) looks crashed ({}), but it left no session ticket: its session "
            + "0x{} ends with its timeout", m.node(), m.startedAt(), why, Long.toHexString(session));
        return;
      }
      long start = System.nanoTime();
      boolean ended = SessionTickets.end(zookeeper, ticket.get(), END_TIMEOUT);
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (ended) {
        metrics.crashDetected(evidence);
        log.warn("node {} (incarnation {}) crashed: {}; ended its ZooKeeper session 0x{} ({} ms)", m.node(),
            m.startedAt(), why, Long.toHexString(session), ms);
        events.add("crash", m.node() + " crashed (" + why + "); " + self + " ended its session");
      } else {
        log.info("node {} looked crashed ({}), but its session 0x{} had already ended", m.node(), why,
            Long.toHexString(session));
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    } catch (Exception ex) {
      judged.remove(session); // try again on the next evidence
      log.warn("node {} looks crashed ({}), but its session could not be ended: {}", m.node(), why, ex.toString());
    }
  }

  /** A refused connect (RST): the peer port is closed. Netty's NIO says "Connection refused". */
  static boolean refused(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (!(t instanceof PeerUnreachableException) || ((PeerUnreachableException) t).silent()) {
      return false;
    }
    for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
      if (c instanceof java.net.ConnectException && String.valueOf(c.getMessage()).contains("refused")) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode read(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public synchronized void close() {
    state = State.CLOSED;
    if (ticks != null) {
      ticks.cancel(false);
    }
  }
}
