/**
 * The failure vocabulary every caller of Ringleader sees, whichever way it calls: over HTTP, through
 * the Java client ({@code ringleader-client}), or (later) the embedded API. {@link CallError} names
 * each failure with the HTTP API's code and status; {@link CallException} carries one to the caller.
 */
package dev.ringleader.call;
