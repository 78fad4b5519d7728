package dev.ringleader.supervisor.internal.node;

import java.util.regex.Pattern;

/** The shape of a worker ID, checked by the HTTP API and on every copy a peer sends. */
public final class WorkerIds {
  /** IDs are single path segments that are also valid znode names. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._~:@-]{1,128}");

  private WorkerIds() {}
}
