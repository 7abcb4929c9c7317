package dev.cachesync.demo.simulation;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles of a set of values. */
public final class Percentiles {
    private final long[] sorted;

    public Percentiles(long[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    public static Percentiles of(Collection<Long> values) {
        return new Percentiles(values.stream().mapToLong(Long::longValue).toArray());
    }

    public int count() {
        return sorted.length;
    }

    /** The smallest value with at least {@code p} percent of the values at or below it; 0 for no values. */
    public long at(double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public long max() {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    public double mean() {
        return sorted.length == 0 ? 0 : Arrays.stream(sorted).average().orElse(0);
    }
}
