package dev.cachesync.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the end of a child process's log for error messages. */
final class Logs {
    private Logs() {
    }

    static String tail(Path log, int lines) {
        if (log == null || !Files.exists(log)) {
            return "(no log at " + log + ")";
        }
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** Whether any line of {@code log} contains {@code text} (false when there is no log). */
    static boolean contains(Path log, String text) {
        return lines(log).stream().anyMatch(l -> l.contains(text));
    }

    /** The first {@code max} lines of {@code log} at ERROR level or with an exception: the cause, where a tail shows the shutdown. */
    static String firstErrors(Path log, int max) {
        return String.join("\n", lines(log).stream()
                .filter(l -> l.contains(" ERROR ") || l.contains("Exception")).limit(max).toList());
    }

    /** Every line of {@code log}; none when there is no log or it cannot be read (these only add to a message). */
    private static List<String> lines(Path log) {
        try {
            return log != null && Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory("cachesync-" + prefix + "-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new DevStackException(prefix, "cannot create a temp directory: " + e.getMessage(), null, e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: temp files of a finished run
        }
    }
}
