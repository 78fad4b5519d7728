package dev.ringleader.client;

/** One HTTP answer as the transport read it: status, body (UTF-8 text, maybe empty), Retry-After. */
record HttpAnswer(int status, String body, String retryAfter) {
  boolean ok() {
    return status >= 200 && status < 300;
  }
}
