package dev.ringleader.registry;

/** The outcome of the leader's fenced write of the ring znode; each ZooKeeper result has its own. */
public enum RingWrite {
  /** Written. */
  OK,
  /** Someone wrote the ring since we read it: re-read and decide again. */
  BAD_VERSION,
  /** Our latch znode is gone: we are no longer the leader; do not retry. */
  NOT_LEADER,
  /** The ring znode was created by someone else meanwhile: re-read and decide again. */
  ALREADY_EXISTS
}
