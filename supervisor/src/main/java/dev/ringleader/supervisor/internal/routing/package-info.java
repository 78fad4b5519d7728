/**
 * The path of one request: owner = ring.owner(type, id), then the local supervisor or one forward to
 * the owner.
 */
package dev.ringleader.supervisor.internal.routing;
