/**
 * Everything Ringleader stores in ZooKeeper: membership, the hash ring and its znode, and the
 * global-name registry of workers. No HTTP here.
 */
package dev.ringleader.registry;
