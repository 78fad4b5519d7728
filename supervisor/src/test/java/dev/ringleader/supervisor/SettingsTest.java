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
  @Test
  void flagsWinOverEnvironmentOverFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.properties");
    Files.writeString(file, "id=fromfile\nport=9001\nreplication=3\nvnodes=50\n");
    Settings s = Settings.parse(new String[] {"--config", file.toString(), "--port", "9003"},
        Map.of("RINGLEADER_PORT", "9002", "RINGLEADER_REPLICATION", "2", "RINGLEADER_TYPE_CACHE_LIFETIME_MS", "700"));
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
    assertMessage("--port=70000: must be 1-65535", Map.of("id", "n", "port", "70000"));
    assertMessage("--port=abc", Map.of("id", "n", "port", "abc"));
    assertMessage("--partition-mode=maybe: must be available|consistent", Map.of("id", "n", "partition-mode", "maybe"));
    assertMessage("--id=bad name", Map.of("id", "bad name"));
    assertMessage("unknown setting --colour", Map.of("id", "n", "colour", "red"));
    assertMessage("--session-timeout-ms=10", Map.of("id", "n", "session-timeout-ms", "10"));
  }

  @Test
  void peerBindAddressIsAnAddressLiteralOrAbsent() {
    assertEquals(null, Settings.of(Map.of("id", "n")).peerBindAddress());
    assertEquals("127.0.0.11", Settings.of(Map.of("id", "n", "peer-bind-address", "127.0.0.11"))
        .peerBindAddress().getHostAddress());
    assertEquals("0:0:0:0:0:0:0:1", Settings.of(Map.of("id", "n", "peer-bind-address", "::1"))
        .peerBindAddress().getHostAddress());
    for (String bad : new String[] {"localhost", "127.0.0.256", "10.0.0", "::g", "1:2:3:4:5:6:7:8:9", "[::1]"}) {
      assertMessage("--peer-bind-address=" + bad + ": must be an IPv4 or IPv6 address literal",
          Map.of("id", "n", "peer-bind-address", bad));
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
