package dev.ringleader.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A member's life cycle: it joins, is up (in the ring), and leaves. */
public enum MemberStatus {
  /** Registered, receiving state; not yet in the ring, serves no request. */
  JOINING,
  /** In the ring (once the leader writes it there). */
  UP,
  /** Going away: the leader takes it out of the ring and it hands its workers over. */
  LEAVING;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static MemberStatus fromJson(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
