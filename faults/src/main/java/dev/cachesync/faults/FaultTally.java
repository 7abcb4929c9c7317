package dev.cachesync.faults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of a run, fed by the readers as they judge each read ({@link StalenessOracle}). Thread-safe.
 * Staleness figures are kept only for stale reads (a fresh read has none).
 */
public final class FaultTally {
    private static final int EXAMPLES = 20;

    private final long boundNanos;
    private final LongAdder reads = new LongAdder();
    private final LongAdder failedReads = new LongAdder();
    private final LongAdder stale = new LongAdder();
    private final LongAdder staleDuringFault = new LongAdder();
    private final LongAdder overBound = new LongAdder();
    private final LongAdder overBoundAfterClear = new LongAdder();
    private final LongAdder behindClearedFault = new LongAdder();
    private final List<String> behindExamples = new ArrayList<>();
    private final LongList staleness = new LongList();
    private final LongList afterClear = new LongList();
    private final List<String> overBoundExamples = new ArrayList<>();

    public FaultTally(long boundNanos) {
        this.boundNanos = boundNanos;
    }

    public long boundNanos() {
        return boundNanos;
    }

    public void read(String reader, String productId, long versionRead, StalenessOracle.Judgement judgement) {
        reads.increment();
        if (!judgement.stale()) {
            return;
        }
        stale.increment();
        staleness.add(judgement.stalenessNanos());
        if (judgement.stalenessNanos() > boundNanos) {
            overBound.increment();
        }
        if (judgement.duringFault()) {
            staleDuringFault.increment();
            return;
        }
        afterClear.add(judgement.afterClearNanos());
        if (judgement.behindClearedFault()) {
            behindClearedFault.increment();
            synchronized (behindExamples) {
                if (behindExamples.size() < EXAMPLES) {
                    behindExamples.add(reader + " read " + productId + " v" + versionRead + ", a newer version "
                            + "acknowledged before the fault cleared, " + judgement.afterClearNanos() / 1_000_000
                            + " ms after it cleared");
                }
            }
        }
        if (judgement.afterClearNanos() > boundNanos) {
            overBoundAfterClear.increment();
            synchronized (overBoundExamples) {
                if (overBoundExamples.size() < EXAMPLES) {
                    overBoundExamples.add(reader + " read " + productId + " v" + versionRead + ": "
                            + judgement.afterClearNanos() / 1_000_000 + " ms after the fault cleared");
                }
            }
        }
    }

    /** A read the cache client could not answer at all (it must not happen: reads fall back to the origin). */
    public void failedRead() {
        failedReads.increment();
    }

    public long reads() {
        return reads.sum();
    }

    public long failedReads() {
        return failedReads.sum();
    }

    public long stale() {
        return stale.sum();
    }

    public long staleDuringFault() {
        return staleDuringFault.sum();
    }

    /** Stale reads older than the bound, during faults or not. */
    public long overBound() {
        return overBound.sum();
    }

    /**
     * Stale reads after a fault cleared whose newer version was acknowledged before the fault's probe changes:
     * must be 0.
     */
    public long behindClearedFault() {
        return behindClearedFault.sum();
    }

    public List<String> behindExamples() {
        synchronized (behindExamples) {
            return List.copyOf(behindExamples);
        }
    }

    /** Stale reads older than the bound counted from the end of the last fault. */
    public long overBoundAfterClear() {
        return overBoundAfterClear.sum();
    }

    public List<String> overBoundExamples() {
        synchronized (overBoundExamples) {
            return List.copyOf(overBoundExamples);
        }
    }

    /** Staleness of the stale reads at quantile q (0..1), in nanoseconds; 0 when none was stale. */
    public long stalenessQuantile(double q) {
        long[] sorted = staleness.sorted();
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Stale reads outside fault windows: age counted from the later of the acknowledgement and the last clear. */
    public long staleAfterClear() {
        return stale() - staleDuringFault();
    }

    /** The largest such age in nanoseconds; 0 when there was none. */
    public long maxAfterClearNanos() {
        long[] sorted = afterClear.sorted();
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    /** {@code -log10(count / reads)}: 3 means one read in a thousand; infinite when count is 0. */
    public double nines(long count) {
        long total = reads();
        if (total == 0) {
            return 0;
        }
        return count == 0 ? Double.POSITIVE_INFINITY : -Math.log10((double) count / total);
    }

    /** A growable array of longs (staleness samples), so a long run does not box millions of values. */
    private static final class LongList {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        synchronized long[] sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }
}
