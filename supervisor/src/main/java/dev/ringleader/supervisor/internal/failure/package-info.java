/**
 * The failure vocabulary ({@code Failure}, {@code RingleaderException}) and its one mapping to HTTP
 * answers ({@code ErrorResponses}, {@code Answer}).
 */
package dev.ringleader.supervisor.internal.failure;
