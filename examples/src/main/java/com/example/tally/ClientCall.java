package com.example.tally;

import java.util.List;

/** The same tally from a JVM that is not a member, through the Java client. */
final class ClientCall {
  private ClientCall() {}

  static void run(List<String> seeds) throws Exception {
    // Filled in with the client module (ringleader-client).
  }
}
