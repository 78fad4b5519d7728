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
  private final java.util.Set<String> probing = ConcurrentHashMap.newKeySet();
  /** Sessions this node has ended already, so each is judged once; pruned to the members' sessions. */
  private final java.util.Set<Long> judged = ConcurrentHashMap.newKeySet();
  /** Sessions found without a ticket (logged once each); pruned to the members' sessions. */
  private final java.util.Set<Long> noTicket = ConcurrentHashMap.newKeySet();
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
      java.util.Set<Long> sessions = new java.util.HashSet<>();
      for (String node : members.keySet()) {
        Optional<Membership.Entry> e = node.equals(self) ? Optional.empty() : membership.entry(node);
        if (e.isEmpty()) {
          continue;
        }
        sessions.add(e.get().session());
        if (e.get().member().peer() != null && watches(node, members)
            && probing.add(node)) {
          probe(e.get());
        }
      }
      judged.removeIf(s -> !sessions.contains(s)); // bounded by the members
      noTicket.removeIf(s -> !sessions.contains(s));
      refusals.keySet().removeIf(n -> !members.containsKey(n));
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

  /** Probes the member znode {@code judged} (its value and session read together from the cache). */
  private void probe(Membership.Entry judged) {
    Member m = judged.member();
    peers.send(m.peer(), PeerRequest.of(PeerOp.IDENTIFY, null), interval.multipliedBy(3).plusMillis(200))
        .whenCompleteAsync((r, e) -> {
          try {
            verdict(m, judged.session(), r, e);
          } finally {
            probing.remove(m.node());
          }
        }, thread);
  }

  private void verdict(Member m, long session, PeerResponse r, Throwable e) {
    if (state != State.STARTED || session == 0 || judged.contains(session)) {
      return;
    }
    if (e == null) {
      metrics.crashProbe("answered");
      refusals.remove(m.node());
      JsonNode id = identity(r);
      if (id != null && !identifies(id, m.node(), m.startedAt())) {
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
    Optional<Membership.Entry> now = membership.entry(m.node());
    if (now.isEmpty() || now.get().session() != session || now.get().member().startedAt() != m.startedAt()) {
      return; // the member znode changed meanwhile (a restarted process registered): judge the new one afresh
    }
    judged.add(session);
    try {
      Optional<SessionTickets.Ticket> ticket = tickets.read(m.node(), session);
      if (ticket.isEmpty()) {
        judged.remove(session); // its ticket may not be written yet: look again on the next evidence
        if (!noTicket.add(session)) {
          return; // said once
        }
        log.warn("node {} (incarnation {}) looks crashed ({}), but it has no session ticket (yet): its session "
            + "0x{} ends with its timeout unless a later probe finds one", m.node(), m.startedAt(), why,
            Long.toHexString(session));
        return;
      }
      long start = System.nanoTime();
      SessionTickets.Ended ended = SessionTickets.end(zookeeper, ticket.get(), END_TIMEOUT);
      long ms = (System.nanoTime() - start) / 1_000_000;
      switch (ended) {
        case ENDED -> {
          metrics.crashDetected(evidence);
          log.warn("node {} (incarnation {}) crashed: {}; ended its ZooKeeper session 0x{} ({} ms)", m.node(),
              m.startedAt(), why, Long.toHexString(session), ms);
          events.add("crash", m.node() + " crashed (" + why + "); " + self + " ended its session");
        }
        case ALREADY_ENDED -> log.info("node {} looked crashed ({}), but its session 0x{} had already ended",
            m.node(), why, Long.toHexString(session));
        case UNREACHED -> {
          judged.remove(session); // nothing known: the next evidence tries again
          log.warn("node {} looks crashed ({}), but ZooKeeper did not take the end of its session 0x{} within {} ms",
              m.node(), why, Long.toHexString(session), END_TIMEOUT.toMillis());
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    } catch (Exception ex) {
      judged.remove(session); // try again on the next evidence
      log.warn("node {} looks crashed ({}), but its session could not be ended: {}", m.node(), why, ex.toString());
    }
  }

  /**
   * What this host's OS says when a connect is refused (ECONNREFUSED), read once from a connect to a
   * port just closed: the text follows the locale ({@code strerror}), so it is learnt, not assumed.
   */
  private static final String REFUSED_TEXT = refusedText();

  private static String refusedText() {
    try (java.net.Socket s = new java.net.Socket()) {
      int port;
      try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = closed.getLocalPort();
      }
      s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1000);
    } catch (java.net.ConnectException e) {
      if (e.getMessage() != null && !e.getMessage().isBlank()) {
        return e.getMessage().strip();
      }
    } catch (java.io.IOException e) {
      // fall through to the English text
    }
    return "Connection refused";
  }

  /** A refused connect (RST): the peer port is closed. A connect timeout is silence, not a refusal. */
  static boolean refused(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (!(t instanceof PeerUnreachableException) || ((PeerUnreachableException) t).silent()) {
      return false;
    }
    for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
      if (c instanceof java.net.ConnectException && !(c instanceof io.netty.channel.ConnectTimeoutException)) {
        String msg = String.valueOf(c.getMessage());
        return msg.contains(REFUSED_TEXT) || msg.contains("Connection refused");
      }
    }
    return false;
  }

  /** An {@code IDENTIFY} answer's {@code {"node","incarnation"}}, or null when it is not one. */
  static JsonNode identity(PeerResponse r) {
    return r.status() == 200 ? read(r.body()) : null;
  }

  /** True when {@code id} (see {@link #identity}) is process {@code incarnation} of node {@code node}. */
  static boolean identifies(JsonNode id, String node, long incarnation) {
    return id != null && node.equals(id.path("node").asText()) && id.path("incarnation").asLong() == incarnation;
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
