package dev.ringleader.supervisor.internal.node;

import dev.ringleader.registry.Member;
import dev.ringleader.registry.MemberStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Tells who came, changed and went each time the members change: a line each in the event log,
 * and the statuses to the cluster listeners when any changed. Bound: the last view, one entry per
 * member. Called by the membership listener only (synchronized for safety).
 */
public final class MemberLog implements Runnable {
  private final Supplier<Map<String, Member>> members;
  private final EventLog events;
  private final ClusterEvents listeners;
  private Map<String, MemberStatus> last = Map.of();

  public MemberLog(Supplier<Map<String, Member>> members, EventLog events, ClusterEvents listeners) {
    this.members = members;
    this.events = events;
    this.listeners = listeners;
  }

  @Override
  public synchronized void run() {
    Map<String, Member> now = members.get();
    for (Member m : now.values()) {
      MemberStatus before = last.get(m.node());
      if (before == null) {
        events.add("member", m.node() + " joined as " + m.status().json());
      } else if (before != m.status()) {
        events.add("member", m.node() + " is now " + m.status().json());
      }
    }
    for (String n : last.keySet()) {
      if (!now.containsKey(n)) {
        events.add("member", n + " is gone");
      }
    }
    Map<String, MemberStatus> seen = new HashMap<>();
    now.values().forEach(m -> seen.put(m.node(), m.status()));
    if (!seen.equals(last)) {
      Map<String, String> statuses = new HashMap<>();
      seen.forEach((n, st) -> statuses.put(n, st.json()));
      listeners.members(statuses);
    }
    last = seen;
  }
}
