/**
 * This node's ZooKeeper connection policy: the one {@code switch (ConnectionState)}, the serving
 * checks, the pause detector.
 */
package dev.ringleader.supervisor.internal.session;
