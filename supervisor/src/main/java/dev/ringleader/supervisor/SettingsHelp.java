package dev.ringleader.supervisor;

/** The settings table, for {@code node --help} and the README. */
public final class SettingsHelp {
  private SettingsHelp() {}

  /** Plain text: one line per setting with its flag, environment variable, default and meaning. */
  public static String text() {
    StringBuilder out = new StringBuilder("Settings (flag --name value, environment RINGLEADER_NAME, "
        + "or name=value in the --config properties file; flags win over environment over file):\n\n");
    for (Setting s : Setting.ALL) {
      out.append(String.format("  --%-28s %-36s default %-22s allowed %s%n      %s%n", s.name(), s.env(),
          s.defaultValue(), s.allowed(), s.meaning()));
    }
    return out.toString();
  }

  /** A markdown table of every setting. */
  public static String markdown() {
    StringBuilder out = new StringBuilder("| flag | environment | default | allowed | meaning |\n|---|---|---|---|---|\n");
    for (Setting s : Setting.ALL) {
      out.append("| `--").append(s.name()).append("` | `").append(s.env()).append("` | ").append(s.defaultValue())
          .append(" | ").append(s.allowed().replace("|", "\\|")).append(" | ").append(s.meaning()).append(" |\n");
    }
    return out.toString();
  }
}
