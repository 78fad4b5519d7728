/**
 * The Ringleader node's public API: {@link dev.ringleader.supervisor.Settings} and
 * {@link dev.ringleader.supervisor.RingleaderNode} (built by {@link dev.ringleader.supervisor.NodeBuilder}),
 * {@link dev.ringleader.supervisor.WorkerRef}, {@link dev.ringleader.supervisor.ClusterListener}, the public
 * exceptions and {@link dev.ringleader.supervisor.AckMode}. Everything else is under
 * {@code dev.ringleader.supervisor.internal.<role>}: public only because Java has no access between sibling
 * packages, not API, and used by no other module ({@code ApiSurfaceTest}).
 */
package dev.ringleader.supervisor;
