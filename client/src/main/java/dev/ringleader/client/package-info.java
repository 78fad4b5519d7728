/**
 * The Java client for JVMs that are not members of a Ringleader cluster: {@link
 * dev.ringleader.client.RingleaderClient}. It keeps a snapshot of the hash ring read from any node's
 * {@code GET /cluster}, sends each call straight to the ID's owner, and retries writes with the
 * same {@code Idempotency-Key}. Failures are {@link dev.ringleader.call.CallException}s.
 * Everything but {@code RingleaderClient}, its builder and {@link dev.ringleader.client.Reply} is
 * internal.
 */
package dev.ringleader.client;
