package dev.ringleader.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A worker's answer: the {@code reply} of {@code POST /workers/{type}/{id}}, or the {@code state}
 * of {@code GET /workers/{type}/{id}}, with the node that served it.
 *
 * @param type the worker type
 * @param id the worker ID
 * @param node the node whose worker answered (the owner, unless the ring moved meanwhile)
 * @param value the reply (for an ask) or the state view (for a read), as JSON
 */
public record Reply(String type, String id, String node, JsonNode value) {}
