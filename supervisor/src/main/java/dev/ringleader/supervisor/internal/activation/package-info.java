/**
 * Every worker live on this node: the activation registry with its name claims, the committer and its
 * fence, and the detached activations waiting for the conflict resolver.
 */
package dev.ringleader.supervisor.internal.activation;
