package dev.cachesync.auditor.nines;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Consistent and stale checks over a sliding window (the last {@code window}, in {@value #BUCKETS} buckets, so
 * it slides by a sixtieth of itself): what the nines gauge is computed from. Thread-safe.
 */
public final class CheckWindow {
    static final int BUCKETS = 60;

    /** Counts within the window. */
    public record Counts(long consistent, long stale) {
        public long checks() {
            return consistent + stale;
        }

        public double nines() {
            return Nines.of(stale, checks());
        }
    }

    private final long bucketMillis;
    private final LongSupplier clockMillis;
    private final long[] consistent = new long[BUCKETS];
    private final long[] stale = new long[BUCKETS];
    /** The bucket number (time / bucket length) each slot holds; a slot of an older number is empty. */
    private final long[] slotBucket = new long[BUCKETS];

    public CheckWindow(Duration window, LongSupplier clockMillis) {
        if (window.toMillis() < BUCKETS) {
            throw new IllegalArgumentException("window must be at least " + BUCKETS + " ms, was " + window);
        }
        this.bucketMillis = window.toMillis() / BUCKETS;
        this.clockMillis = clockMillis;
        java.util.Arrays.fill(slotBucket, -1);
    }

    public synchronized void record(long consistentChecks, long staleChecks) {
        int slot = slotFor(clockMillis.getAsLong() / bucketMillis);
        consistent[slot] += consistentChecks;
        stale[slot] += staleChecks;
    }

    public synchronized Counts counts() {
        long now = clockMillis.getAsLong() / bucketMillis;
        long c = 0;
        long s = 0;
        for (int slot = 0; slot < BUCKETS; slot++) {
            if (slotBucket[slot] > now - BUCKETS) {
                c += consistent[slot];
                s += stale[slot];
            }
        }
        return new Counts(c, s);
    }

    private int slotFor(long bucket) {
        int slot = (int) Math.floorMod(bucket, (long) BUCKETS);
        if (slotBucket[slot] != bucket) {
            slotBucket[slot] = bucket;
            consistent[slot] = 0;
            stale[slot] = 0;
        }
        return slot;
    }
}
