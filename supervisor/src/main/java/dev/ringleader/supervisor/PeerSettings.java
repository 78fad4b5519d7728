package dev.ringleader.supervisor;

import java.time.Duration;

/**
 * The peer port and who may use it: the port (-1 before it is bound when 0 was asked), the address
 * other nodes dial, the cluster secret (never logged), the admin token, and whether znodes get ACLs.
 */
record PeerSettings(int port, String advertise, byte[] clusterSecret, String adminToken, boolean zkAcl,
    Duration crashProbe) {
  @Override
  public String toString() {
    return "PeerSettings[port=" + port + ", advertise=" + advertise + ", clusterSecret=(" + clusterSecret.length
        + " bytes), adminToken=" + (adminToken == null ? "none" : "(set)") + ", zkAcl=" + zkAcl
        + ", crashProbe=" + crashProbe.toMillis() + " ms]";
  }
}
