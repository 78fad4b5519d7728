package dev.ringleader.supervisor.internal.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last cluster events this node saw (ring epochs, leader changes, members up and down,
 * failovers, handoffs, conflicts), each also logged as one INFO line with the node name. Bounded:
 * the oldest event is dropped when {@link #CAPACITY} are kept. Guarded by {@code this}.
 */
public final class EventLog {
  static final int CAPACITY = 200;
  private static final Logger log = LoggerFactory.getLogger("ringleader.events");

  /** One event: when, what kind, and a sentence. */
  record Event(long at, String kind, String text) {}

  private final String node;
  private final Deque<Event> events = new ArrayDeque<>();

  public EventLog(String node) {
    this.node = node;
  }

  public void add(String kind, String text) {
    log.info("[{}] {}: {}", node, kind, text);
    synchronized (this) {
      if (events.size() == CAPACITY) {
        events.removeFirst();
      }
      events.addLast(new Event(System.currentTimeMillis(), kind, text));
    }
  }

  /** The newest {@code limit} events, newest first. */
  synchronized List<Event> recent(int limit) {
    List<Event> out = new ArrayList<>();
    var it = events.descendingIterator();
    while (it.hasNext() && out.size() < limit) {
      out.add(it.next());
    }
    return out;
  }

  public Map<String, Object> view(int limit) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("node", node);
    out.put("events", recent(limit));
    return out;
  }
}
