/**
 * Node-wide plumbing that every other internal package may use: threads, timeouts on them, the JSON
 * mapper, metrics, the event log, cluster events. Imports no other internal package.
 */
package dev.ringleader.supervisor.internal.node;
