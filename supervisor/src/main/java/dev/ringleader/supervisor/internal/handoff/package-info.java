/**
 * Moving ownership between nodes: join and leave with state handed over, and the conflict resolver that
 * gives detached activations back to the ring owner.
 */
package dev.ringleader.supervisor.internal.handoff;
