package dev.ringleader.supervisor.internal.node;

import java.util.regex.Pattern;

/** The shape of a worker ID, checked by the HTTP API and on every copy a peer sends. */
public final class WorkerIds {
  /** IDs are single path segments that are also valid znode names. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._~:@-]{1,128}");

  private WorkerIds() {}

  /**
   * True when {@code id} matches {@link #ID} and is not {@code .} or {@code ..}: the same rule as the
   * pattern, checked by a loop (it runs on every request; a regex showed in profiles).
   */
  public static boolean valid(String id) {
    int n = id.length();
    if (n < 1 || n > 128) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '~' || c == ':' || c == '@' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return !id.equals(".") && !id.equals("..");
  }
}
