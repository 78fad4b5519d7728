package dev.ringleader.supervisor.internal.node;

/**
 * The shape of a worker ID, checked by the HTTP API and on every copy a peer sends: 1-128 characters
 * from {@code A-Z a-z 0-9 . _ ~ : @ -}, not {@code .} or {@code ..} (a single path segment that is
 * also a valid znode name).
 */
public final class WorkerIds {
  private WorkerIds() {}

  /** True when {@code id} has that shape; a loop, not a regex (it runs on every request). */
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
