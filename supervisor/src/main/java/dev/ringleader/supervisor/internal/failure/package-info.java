/**
 * The one mapping of failures to HTTP answers ({@code ErrorResponses}, {@code Answer}) and the
 * exception that carries one ({@code RingleaderException}). The vocabulary itself is {@code
 * dev.ringleader.call.CallError}, the same codes the embedded API and the client throw.
 */
package dev.ringleader.supervisor.internal.failure;
