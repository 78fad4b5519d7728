package dev.ringleader.demo;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs of a demo command (not the node's settings, which have their own parser). */
final class Flags {
  private final Map<String, String> values = new HashMap<>();

  Flags(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
      }
      String name = args[i].substring(2);
      if (name.equals("help")) {
        values.put("help", "true");
      } else if (i + 1 < args.length) {
        values.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("--" + name + " has no value");
      }
    }
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String get(String name, String def) {
    return values.getOrDefault(name, def);
  }

  int integer(String name, int def) {
    String v = values.get(name);
    if (v == null) {
      return def;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer, not '" + v + "'");
    }
  }
}
