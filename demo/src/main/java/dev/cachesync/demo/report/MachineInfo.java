package dev.cachesync.demo.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The machine a run was measured on, for the results file: figures mean little without it. */
public record MachineInfo(int processors, String cpuModel, String memory, String java, String os) {

    public static MachineInfo current() {
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                procField("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch")),
                procField("/proc/meminfo", "MemTotal").map(MachineInfo::kibToGib).orElse("unknown"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                        + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    public List<String> markdownLines() {
        return List.of(
                "- CPUs (nproc): " + processors,
                "- CPU model: " + cpuModel,
                "- Memory: " + memory,
                "- Java: " + java,
                "- OS: " + os);
    }

    private static Optional<String> procField(String file, String field) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(field)) {
                    int colon = line.indexOf(':');
                    return Optional.of(line.substring(colon + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back
        }
        return Optional.empty();
    }

    private static String kibToGib(String memTotal) {
        try {
            long kib = Long.parseLong(memTotal.replaceAll("[^0-9]", ""));
            return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
        } catch (NumberFormatException e) {
            return memTotal;
        }
    }
}
