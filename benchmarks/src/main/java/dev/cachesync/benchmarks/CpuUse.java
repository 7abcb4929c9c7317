package dev.cachesync.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used over an interval: by this JVM (in cores: CPU seconds per second) and by the whole machine (busy share
 * of all cores, from /proc/stat), to tell a CPU-bound measure from one that waits.
 */
final class CpuUse {
    /** CPU used over the interval; the machine's share is NaN where /proc/stat cannot be read. */
    record Used(double jvmCores, double machineBusyPercent) {
    }

    private final long wallNanos;
    private final long jvmCpuNanos;
    private final long[] machine;

    private CpuUse(long wallNanos, long jvmCpuNanos, long[] machine) {
        this.wallNanos = wallNanos;
        this.jvmCpuNanos = jvmCpuNanos;
        this.machine = machine;
    }

    static CpuUse begin() {
        return new CpuUse(System.nanoTime(), jvmCpuNanos(), machineTicks());
    }

    Used end() {
        double wall = System.nanoTime() - wallNanos;
        double jvm = (jvmCpuNanos() - jvmCpuNanos) / wall;
        long[] now = machineTicks();
        double busy = Double.NaN;
        if (machine != null && now != null && now[0] > machine[0]) {
            busy = 100.0 * (1 - (double) (now[1] - machine[1]) / (now[0] - machine[0]));
        }
        return new Used(jvm, busy);
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** {total, idle + iowait} jiffies of all cores, from the first line of /proc/stat; null when unreadable. */
    private static long[] machineTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < fields.length; i++) { // user .. steal; guest time is counted in user
                total += Long.parseLong(fields[i]);
            }
            return new long[] {total, Long.parseLong(fields[4]) + Long.parseLong(fields[5])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
