/**
 * Calls to other nodes: the pooled asynchronous HTTP client, the per-peer bound on sends in flight, a
 * peer's answer.
 */
package dev.ringleader.supervisor.internal.peer;
