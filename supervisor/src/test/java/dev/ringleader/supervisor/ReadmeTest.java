package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's settings table is the one the code prints. */
class ReadmeTest {
  @Test
  void theReadmeListsEverySettingAsTheCodeDocumentsIt() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    for (String line : SettingsHelp.markdown().split("\n")) {
      if (line.startsWith("| `--")) {
        assertTrue(readme.contains(line), "README.md lacks or differs on: " + line);
      }
    }
  }
}
