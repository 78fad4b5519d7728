package dev.ringleader.client;

import dev.ringleader.call.CallError;
import dev.ringleader.call.CallException;
import java.util.Objects;
import java.util.regex.Pattern;

/** The syntax of worker types and IDs, as the nodes accept them: checked before a call is sent. */
final class WorkerNames {
  /** IDs as the nodes accept them (HttpApi.ID). */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~:@-]{1,128}");
  static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private WorkerNames() {}

  static CallException badKey(String type, String id) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    if (!TYPE.matcher(type).matches()) {
      return new CallException(CallError.BAD_REQUEST, "invalid type '" + type + "': use 1-64 letters, digits, - and _");
    }
    if (!ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
      return new CallException(CallError.BAD_REQUEST, "invalid id: use 1-128 characters from letters, digits and . _ ~ : @ -");
    }
    return null;
  }
}
