package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  private static final String SECRET = TestCluster.SECRET;

  @Test
  void thePeerPortItsAddressTheSecretAndTheAdminTokenAreValidated(@TempDir Path dir) throws Exception {
    Settings s = Settings.of(Map.of("cluster-secret", SECRET, "id", "n", "port", "8081"));
    assertEquals(9081, s.peerPort(), "the peer port defaults to the client port + 1000");
    assertEquals("127.0.0.1:9081", s.advertisePeer());
    assertTrue(s.zkAcl());
    assertEquals(null, s.adminToken());
    assertEquals(null, Settings.of(Map.of("cluster-secret", SECRET, "id", "n", "peer-port", "0")).advertisePeer(),
        "port 0: the address is known once bound");
    Path file = dir.resolve("secret");
    Files.writeString(file, "  from-a-file-0123456789\n");
    assertEquals("from-a-file-0123456789", new String(Settings.of(Map.of("id", "n", "cluster-secret-file",
        file.toString())).clusterSecret(), java.nio.charset.StandardCharsets.UTF_8));
    assertMessage("missing setting --cluster-secret-file (or RINGLEADER_CLUSTER_SECRET)", Map.of("id", "n"));
    assertMessage("--cluster-secret: the secret has 5 bytes, at least 16", Map.of("id", "n", "cluster-secret", "short"));
    assertMessage("--cluster-secret-file=" + dir.resolve("none") + ": cannot read it",
        Map.of("id", "n", "cluster-secret-file", dir.resolve("none").toString()));
    assertMessage("give one of them", Map.of("id", "n", "cluster-secret", SECRET, "cluster-secret-file", file.toString()));
    assertMessage("--peer-port=8080: must differ from --port", Map.of("cluster-secret", SECRET, "id", "n",
        "peer-port", "8080"));
    assertMessage("--peer-port=70000", Map.of("cluster-secret", SECRET, "id", "n", "peer-port", "70000"));
    assertMessage("missing setting --peer-port", Map.of("cluster-secret", SECRET, "id", "n", "port", "65000"));
    assertMessage("--advertise-peer=nohost: must be host:port", Map.of("cluster-secret", SECRET, "id", "n",
        "advertise-peer", "nohost"));
    assertMessage("--admin-token: must be at least 16", Map.of("cluster-secret", SECRET, "id", "n",
        "admin-token", "abc"));
    assertMessage("--zk-acl=maybe: must be on|off", Map.of("cluster-secret", SECRET, "id", "n", "zk-acl", "maybe"));
    assertTrue(!Settings.of(Map.of("cluster-secret", SECRET, "id", "n", "zk-acl", "off")).zkAcl());
    assertEquals(Duration.ofMillis(100), s.crashProbe(), "the crash detector probes every 100 ms by default");
    assertTrue(Settings.of(Map.of("cluster-secret", SECRET, "id", "n", "crash-probe-ms", "0")).crashProbe().isZero());
    assertMessage("--crash-probe-ms=5: must be 0 (off) or 20-10000", Map.of("cluster-secret", SECRET, "id", "n",
        "crash-probe-ms", "5"));
    assertEquals(Durability.MEMORY, s.durability());
    assertEquals(Durability.DISK_FSYNC, Settings.of(Map.of("cluster-secret", SECRET, "id", "n", "durability",
        "disk-fsync", "data-dir", dir.toString())).durability());
    assertMessage("missing setting --data-dir: --durability=disk", Map.of("cluster-secret", SECRET, "id", "n",
        "durability", "disk"));
    assertMessage("--durability=tape: must be memory|disk|disk-fsync", Map.of("cluster-secret", SECRET, "id", "n",
        "durability", "tape"));
    assertMessage("--data-dir=" + file + ": not a directory", Map.of("cluster-secret", SECRET, "id", "n",
        "durability", "disk", "data-dir", file.toString()));
    assertMessage("--store-corrupt=ignore: must be refuse|discard", Map.of("cluster-secret", SECRET, "id", "n",
        "store-corrupt", "ignore"));
    assertMessage("--crash-probe-ms=20000", Map.of("cluster-secret", SECRET, "id", "n", "crash-probe-ms", "20000"));
    assertTrue(!Settings.of(Map.of("cluster-secret", SECRET, "id", "n")).toString().contains(SECRET),
        "the secret is never printed");
  }
  @Test
  void flagsWinOverEnvironmentOverFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.properties");
    Files.writeString(file, "id=fromfile\nport=9001\nreplication=3\nvnodes=50\n");
    Settings s = Settings.parse(new String[] {"--config", file.toString(), "--port", "9003"},
        Map.of("RINGLEADER_CLUSTER_SECRET", SECRET, "RINGLEADER_PORT", "9002", "RINGLEADER_REPLICATION", "2", "RINGLEADER_TYPE_CACHE_LIFETIME_MS", "700"));
    assertEquals("fromfile", s.nodeId());
    assertEquals(9003, s.port());
    assertEquals(2, s.replication());
    assertEquals(50, s.vnodes());
    assertEquals(Duration.ofMillis(700), s.limitsFor("cache").lifetime());
    assertEquals("http://127.0.0.1:9003", s.advertiseUrl());
  }

  @Test
  void eachInvalidSettingIsNamedInOneLine() {
    assertMessage("--id", Map.of());
    assertMessage("--port=70000: must be 1-65535", Map.of("cluster-secret", SECRET, "id", "n", "port", "70000"));
    assertMessage("--port=abc", Map.of("cluster-secret", SECRET, "id", "n", "port", "abc"));
    assertMessage("--partition-mode=maybe: must be available|consistent", Map.of("cluster-secret", SECRET, "id", "n", "partition-mode", "maybe"));
    assertMessage("--id=bad name", Map.of("cluster-secret", SECRET, "id", "bad name"));
    assertMessage("unknown setting --colour", Map.of("cluster-secret", SECRET, "id", "n", "colour", "red"));
    assertMessage("--session-timeout-ms=10", Map.of("cluster-secret", SECRET, "id", "n", "session-timeout-ms", "10"));
  }

  @Test
  void peerBindAddressIsAnAddressLiteralOrAbsent() {
    assertEquals(null, Settings.of(Map.of("cluster-secret", SECRET, "id", "n")).peerBindAddress());
    assertEquals("127.0.0.11", Settings.of(Map.of("cluster-secret", SECRET, "id", "n", "peer-bind-address", "127.0.0.11"))
        .peerBindAddress().getHostAddress());
    assertEquals("0:0:0:0:0:0:0:1", Settings.of(Map.of("cluster-secret", SECRET, "id", "n", "peer-bind-address", "::1"))
        .peerBindAddress().getHostAddress());
    for (String bad : new String[] {"localhost", "127.0.0.256", "10.0.0", "::g", "1:2:3:4:5:6:7:8:9", "[::1]"}) {
      assertMessage("--peer-bind-address=" + bad + ": must be an IPv4 or IPv6 address literal",
          Map.of("cluster-secret", SECRET, "id", "n", "peer-bind-address", bad));
    }
  }

  private static void assertMessage(String expected, Map<String, String> values) {
    SettingsException e = assertThrows(SettingsException.class, () -> Settings.of(values));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line");
  }

  @Test
  void aFlagWithoutAValueIsAnError() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> Settings.parse(new String[] {"--id", "n", "--port"}, Map.of()));
    assertTrue(e.getMessage().contains("--port"), e.getMessage());
  }

  @Test
  void helpListsEverySetting() {
    for (Setting s : Setting.ALL) {
      assertTrue(SettingsHelp.text().contains("--" + s.name()), s.name());
    }
  }
}
