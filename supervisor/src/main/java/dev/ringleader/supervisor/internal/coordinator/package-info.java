/**
 * The ring: this node's place in the leader election, the leader's duty of keeping the ring znode equal
 * to what the members call for (the pure {@code RingPlanner}), and waits for a newer ring.
 */
package dev.ringleader.supervisor.internal.coordinator;
