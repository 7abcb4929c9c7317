package dev.cachesync.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** The machine a result was measured on, as Markdown. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        StringBuilder md = new StringBuilder();
        md.append("| | |\n|---|---|\n");
        md.append("| date | ").append(Instant.now()).append(" |\n");
        md.append("| nproc | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
        md.append("| CPU | ").append(firstLine("/proc/cpuinfo", "model name")).append(" |\n");
        md.append("| memory | ").append(firstLine("/proc/meminfo", "MemTotal")).append(" |\n");
        md.append("| load average at start | ").append(loadAverage()).append(" |\n");
        md.append("| java -version | ").append(javaVersion().replace("\n", "<br>")).append(" |\n");
        return md.toString();
    }

    /** /proc/loadavg: the 1, 5 and 15 minute load averages, runnable/total threads, the last pid. */
    static String loadAverage() {
        return read("/proc/loadavg").trim();
    }

    private static String firstLine(String file, String key) {
        for (String line : read(file).split("\n")) {
            if (line.startsWith(key)) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }

    private static String javaVersion() {
        try {
            Process p = new ProcessBuilder("java", "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return out;
        } catch (IOException e) {
            return System.getProperty("java.runtime.version");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return System.getProperty("java.runtime.version");
        }
    }
}
