package dev.ringleader.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package convention of issue 12, read from the source tree: {@code dev.ringleader.supervisor} is the
 * public API and holds only the types listed here; everything else lives under
 * {@code dev.ringleader.supervisor.internal.<role>}, which no other module uses, and whose packages
 * depend on each other without a cycle.
 */
class ApiSurfaceTest {
  /** The public top-level types outside {@code .internal.}: the API. Add to it only on purpose. */
  private static final Set<String> API = Set.of(
      "dev.ringleader.supervisor.AckMode",
      "dev.ringleader.supervisor.NamingMode",
      "dev.ringleader.supervisor.Durability",
      "dev.ringleader.supervisor.ClusterListener",
      "dev.ringleader.supervisor.NodeBuilder",
      "dev.ringleader.supervisor.RingleaderNode",
      "dev.ringleader.supervisor.Settings",
      "dev.ringleader.supervisor.SettingsException",
      "dev.ringleader.supervisor.SettingsHelp",
      "dev.ringleader.supervisor.StartupException",
      "dev.ringleader.supervisor.WorkerRef");

  private static final String INTERNAL = "dev.ringleader.supervisor.internal";
  private static final Path MAIN = Path.of("src/main/java");
  private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  private static final Pattern PUBLIC_TOP_LEVEL = Pattern.compile(
      "^public\\s+(?:(?:final|abstract|sealed|non-sealed|strictfp)\\s+)*(?:class|interface|enum|record|@interface)"
          + "\\s+(\\w+)", Pattern.MULTILINE);
  /** A use of an internal package, by import (plain, static or wildcard) or by a qualified name in code. */
  private static final Pattern INTERNAL_USE = Pattern.compile(
      Pattern.quote(INTERNAL) + "((?:\\.[a-z_][\\w]*)+?)(?=\\.[A-Z*]|\\s*;)");

  @Test
  void thePublicTypesOutsideInternalAreExactlyTheApi() {
    Set<String> publicTypes = new TreeSet<>();
    for (Path file : javaFiles(MAIN)) {
      String code = code(file);
      String pkg = packageOf(code, file);
      if (pkg.equals(INTERNAL) || pkg.startsWith(INTERNAL + ".")) {
        continue;
      }
      Matcher m = PUBLIC_TOP_LEVEL.matcher(code);
      while (m.find()) {
        publicTypes.add(pkg + "." + m.group(1));
      }
    }
    Set<String> extra = new TreeSet<>(publicTypes);
    extra.removeAll(API);
    assertTrue(extra.isEmpty(), "public types outside " + INTERNAL + " that are not in the API list: " + extra
        + " (move them under " + INTERNAL + ".<role>, or add them to ApiSurfaceTest.API on purpose)");
    assertEquals(new TreeSet<>(API), publicTypes, "an API type is missing or no longer public");
  }

  @Test
  void noOtherModuleUsesTheInternals() {
    List<String> offenders = new ArrayList<>();
    int scanned = 0;
    for (Path dir : List.of(Path.of("../demo/src/main"), Path.of("../client/src/main"), Path.of("../examples/src"))) {
      assertTrue(Files.isDirectory(dir), "missing " + dir.toAbsolutePath().normalize() + " (run from supervisor/)");
      for (Path file : javaFiles(dir)) {
        scanned++;
        if (code(file).contains(INTERNAL)) {
          offenders.add(dir.relativize(file) + " in " + dir);
        }
      }
    }
    assertTrue(scanned > 0, "no sources found in demo, client or examples");
    assertTrue(offenders.isEmpty(), "these files use " + INTERNAL + ".*, which is not API: " + offenders);
  }

  @Test
  void theInternalPackagesDependOnEachOtherWithoutACycle() {
    Map<String, Set<String>> graph = internalPackageGraph();
    assertTrue(graph.size() >= 2, "expected the internal packages under " + MAIN.toAbsolutePath() + ": " + graph.keySet());
    List<List<String>> cycles = cycles(graph);
    assertTrue(cycles.isEmpty(), "cycles between internal packages (each listed as a path back to its start): "
        + cycles + "; the graph: " + graph);
  }

  @Test
  void theCycleCheckFindsACycle() {
    Map<String, Set<String>> graph = new TreeMap<>(Map.of(
        "a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"), "e", Set.of("e")));
    assertEquals(List.of(List.of("a", "b", "c", "a")), cycles(graph));
    assertEquals(List.of(), cycles(Map.of("a", Set.of("b"), "b", Set.of())));
  }

  /** Package -> the other internal packages its files import or name. */
  static Map<String, Set<String>> internalPackageGraph() {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (Path file : javaFiles(MAIN)) {
      String code = code(file);
      String pkg = packageOf(code, file);
      if (!pkg.startsWith(INTERNAL + ".")) {
        continue;
      }
      Set<String> out = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
      Matcher m = INTERNAL_USE.matcher(code.substring(code.indexOf(';') + 1));
      while (m.find()) {
        String used = INTERNAL + m.group(1);
        if (!used.equals(pkg)) {
          out.add(used);
        }
      }
    }
    return graph;
  }

  /** One cycle per strongly connected component of more than one package, from its smallest name. */
  static List<List<String>> cycles(Map<String, Set<String>> graph) {
    List<List<String>> cycles = new ArrayList<>();
    Set<String> reported = new TreeSet<>();
    for (String start : new TreeSet<>(graph.keySet())) {
      if (reported.contains(start)) {
        continue;
      }
      List<String> path = pathBack(graph, start, start, new ArrayList<>(List.of(start)), new TreeSet<>());
      if (path != null) {
        reported.addAll(component(graph, start));
        cycles.add(path);
      }
    }
    return cycles;
  }

  private static List<String> pathBack(Map<String, Set<String>> graph, String start, String at, List<String> path,
      Set<String> seen) {
    for (String next : new TreeSet<>(graph.getOrDefault(at, Set.of()))) {
      if (next.equals(start) && !at.equals(start)) {
        List<String> cycle = new ArrayList<>(path);
        cycle.add(start);
        return cycle;
      }
      if (!next.equals(at) && seen.add(next)) {
        path.add(next);
        List<String> found = pathBack(graph, start, next, path, seen);
        if (found != null) {
          return found;
        }
        path.remove(path.size() - 1);
      }
    }
    return null;
  }

  /** The packages that both reach and are reached from {@code start}. */
  private static Set<String> component(Map<String, Set<String>> graph, String start) {
    Set<String> component = new TreeSet<>();
    for (String other : graph.keySet()) {
      if (reaches(graph, start, other) && reaches(graph, other, start)) {
        component.add(other);
      }
    }
    return component;
  }

  private static boolean reaches(Map<String, Set<String>> graph, String from, String to) {
    Set<String> seen = new TreeSet<>(Set.of(from));
    List<String> todo = new ArrayList<>(List.of(from));
    while (!todo.isEmpty()) {
      String at = todo.remove(todo.size() - 1);
      if (at.equals(to)) {
        return true;
      }
      for (String next : graph.getOrDefault(at, Set.of())) {
        if (seen.add(next)) {
          todo.add(next);
        }
      }
    }
    return false;
  }

  private static String packageOf(String code, Path file) {
    Matcher m = PACKAGE.matcher(code);
    assertTrue(m.find(), "no package line in " + file);
    return m.group(1);
  }

  private static List<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file's text with comments, string, text-block and char literals blanked out (line breaks kept). */
  static String code(Path file) {
    String s;
    try {
      s = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (s.startsWith("//", i)) {
        while (i < s.length() && s.charAt(i) != '\n') {
          i++;
        }
      } else if (s.startsWith("/*", i)) {
        int end = s.indexOf("*/", i + 2);
        end = end < 0 ? s.length() : end + 2;
        blank(s, i, end, out);
        i = end;
      } else if (s.startsWith("\"\"\"", i)) {
        int end = s.indexOf("\"\"\"", i + 3);
        end = end < 0 ? s.length() : end + 3;
        blank(s, i, end, out);
        i = end;
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c && s.charAt(j) != '\n') {
          j += s.charAt(j) == '\\' ? 2 : 1;
        }
        out.append(c).append(c);
        i = Math.min(j + 1, s.length());
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static void blank(String s, int from, int to, StringBuilder out) {
    for (int k = from; k < to; k++) {
      out.append(s.charAt(k) == '\n' ? '\n' : ' ');
    }
  }
}
