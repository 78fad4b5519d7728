/**
 * Copies of worker state: the copy on every commit, the fetch at activation, re-replication after a
 * ring change, and the store of states this node keeps.
 */
package dev.ringleader.supervisor.internal.replication;
