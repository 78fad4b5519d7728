package dev.ringleader.client;

/**
 * One call as the client sends it, on every attempt the same.
 *
 * @param method GET or POST
 * @param type the worker type whose ring position routes it (for {@code /request/{id}}, the nodes' request type)
 * @param id the worker ID
 * @param path the HTTP path
 * @param body the JSON body of a POST, or null
 * @param key the Idempotency-Key of a POST, or null
 */
record Request(String method, String type, String id, String path, String body, String key) {}
