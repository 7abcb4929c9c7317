package dev.cachesync.demo.simulation;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The measured figures of one simulated day.
 *
 * @param hits               reads answered from a cache without waiting on the catalog API
 * @param catalogCalls       requests that reached the catalog API (counted by the delaying proxy)
 * @param latencyNanos       read latencies (percentiles over all reads)
 * @param staleReads         reads that returned a version superseded longer than the bound before they started
 * @param recentlySuperseded reads that returned a version superseded less than the bound before they started
 * @param worstAgeNanos      the oldest answer among superseded reads (0 if none)
 * @param sourceP50Nanos     median latency of the reads answered by each source
 * @param tailSources        the sources of the slowest 1 % of reads (those at or above p99): what p99 is made of
 * @param invalidations      the purges applied during the run (cachesync only; empty otherwise)
 */
public record RunResult(String label, int orders, int reads, int errors, long hits, long catalogCalls,
                        Percentiles latencyNanos, long staleReads, long recentlySuperseded, long worstAgeNanos,
                        Map<String, Long> sources, Map<String, Long> sourceP50Nanos, Map<String, Long> tailSources,
                        int updates, Duration wallTime, Invalidations invalidations) {

    public double hitRate() {
        return reads == 0 ? 0 : (double) hits / reads;
    }

    public double averageMillis() {
        return latencyNanos.mean() / 1e6;
    }

    public double p50Millis() {
        return latencyNanos.at(50) / 1e6;
    }

    public double p99Millis() {
        return latencyNanos.at(99) / 1e6;
    }

    public RunResult withInvalidations(Invalidations applied) {
        return new RunResult(label, orders, reads, errors, hits, catalogCalls, latencyNanos, staleReads,
                recentlySuperseded, worstAgeNanos, sources, sourceP50Nanos, tailSources, updates, wallTime, applied);
    }

    /** Lag (commit to purged) and entries removed of each purge applied during a run. */
    public record Invalidations(List<Long> lagMillis, List<Integer> entriesPurged) {
        public static final Invalidations NONE = new Invalidations(List.of(), List.of());

        public int count() {
            return lagMillis.size();
        }

        public double averageEntriesPurged() {
            return entriesPurged.stream().mapToInt(Integer::intValue).average().orElse(0);
        }
    }
}
