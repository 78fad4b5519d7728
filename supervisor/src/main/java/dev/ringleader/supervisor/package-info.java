/**
 * The Ringleader node: leadership, the local supervisor of all workers on the node, routing and
 * forwarding, and the HTTP API. The public entry points are {@link dev.ringleader.supervisor.Settings}
 * and {@link dev.ringleader.supervisor.RingleaderNode}; everything else is package-private.
 */
package dev.ringleader.supervisor;
