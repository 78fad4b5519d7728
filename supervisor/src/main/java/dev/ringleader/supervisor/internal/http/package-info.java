/**
 * The edge of the node: the HTTP listener, the API handlers, bounded body reading, the read-only views,
 * and calls from Java code.
 */
package dev.ringleader.supervisor.internal.http;
