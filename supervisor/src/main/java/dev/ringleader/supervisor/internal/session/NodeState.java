package dev.ringleader.supervisor.internal.session;

/**
 * A node's lifecycle: LATENT until {@code start()}, STARTED while it serves, LEAVING while it hands its
 * workers over, CLOSED after {@code close()}. Only the node changes it; {@link SessionGuard} reads it.
 */
public enum NodeState { LATENT, STARTED, LEAVING, CLOSED }
