package dev.ringleader.registry;

/**
 * The value of {@code registry/<type>/<bucket>/<id>}: which node hosts the worker's live activation.
 *
 * @param node the hosting node
 * @param incarnation a number unique per activation on that node
 * @param epoch the ring epoch under which the activation started
 * @param since when it started, epoch millis
 */
public record GlobalName(String node, long incarnation, long epoch, long since) {}
