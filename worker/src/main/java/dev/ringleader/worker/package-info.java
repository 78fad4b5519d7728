/** The worker API a user implements and the local runtime of one worker. */
package dev.ringleader.worker;
