package dev.cachesync.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * What the JVM did on its own over an interval: compiling (JIT) and collecting (GC pauses). A latency measured
 * while the JIT still compiles measures a cold JVM: on 2026-12-02 (2 cores, AMD EPYC) the compiler threads took
 * 40% of the machine during the first 100 changes of {@link InvalidationBenchmark} and the p50 was 40-44 ms
 * against 26-27 ms once they were quiet. Stop-the-world GC pauses of one shared heap stall every component at
 * once, which separate processes in production would not do together: they are reported beside the figures
 * (young and full collections; JDK 17's beans do not count G1's remark and clean-up pauses).
 */
final class JvmActivity {
    /** The JIT and the GC over an interval, in milliseconds, with the interval's length. */
    record Used(long wallMillis, long compileMillis, long gcCount, long gcMillis) {
        /** The share of one core the JIT compilers took, 0-1 per compiler thread. */
        double compileShare() {
            return wallMillis == 0 ? 0 : (double) compileMillis / wallMillis;
        }

        @Override
        public String toString() {
            return String.format("%d s: JIT compiling %.1f s (%.0f%% of a core), %d GC pauses, %d ms in all",
                    wallMillis / 1000, compileMillis / 1000.0, 100 * compileShare(), gcCount, gcMillis);
        }
    }

    private final long wallNanos;
    private final long compileMillis;
    private final long gcCount;
    private final long gcMillis;

    private JvmActivity() {
        this.wallNanos = System.nanoTime();
        this.compileMillis = compileMillis();
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        this.gcCount = count;
        this.gcMillis = millis;
    }

    static JvmActivity begin() {
        return new JvmActivity();
    }

    Used end() {
        JvmActivity now = new JvmActivity();
        return new Used((now.wallNanos - wallNanos) / 1_000_000, now.compileMillis - compileMillis,
                now.gcCount - gcCount, now.gcMillis - gcMillis);
    }

    private static long compileMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }
}
