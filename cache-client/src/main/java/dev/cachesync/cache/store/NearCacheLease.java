package dev.cachesync.cache.store;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The near cache's lease: proof that its invalidation channel delivered every message published up to a recent
 * moment. A probe published on the channel at {@code sent} and received back proves that every invalidation
 * published before {@code sent} was received before it (one channel, one connection: in order). The lease then
 * runs until {@code sent + lease}; past that, the near cache does not serve nor take entries
 * ({@link NearCache}). So a purge acknowledged at {@code P} stops being served stale from this near cache by
 * {@code P + lease} at the latest: the last probe sent before {@code P} gave a lease ending before then, and
 * every later probe's return proves the purge's message arrived first.
 *
 * <p>When a probe returns while the lease has run out, messages may have been lost meanwhile (the proof says
 * nothing about them), so the near cache is cleared before the lease is renewed: the clear bumps the near cache's
 * epoch first, so a put in flight across the gap takes its insert back ({@link NearCache#putIfUnchanged}).
 *
 * <p>Pure arithmetic on a nanosecond clock (tests pass a fake one). The hot-path check {@link #held()} is one
 * volatile read and the clock; renewals and lapses are serialized on this object.
 */
final class NearCacheLease {

    private final long leaseNanos;
    private final LongSupplier nanoClock;
    /** The lease runs until this clock value (exclusive); starts expired. */
    private volatile long validUntil;
    /** Guarded by this: a lease was held once (the first one is no "regain"), and whether it is held now. */
    private boolean everHeld;
    private boolean lapseCounted;
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong regained = new AtomicLong();

    NearCacheLease(Duration lease, LongSupplier nanoClock) {
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("nearCacheLease must be positive, was " + lease);
        }
        this.leaseNanos = lease.toNanos();
        this.nanoClock = nanoClock;
        this.validUntil = nanoClock.getAsLong();
    }

    /** How often to probe: four probes per lease, so one lost or late probe does not lapse it. */
    static Duration probeInterval(Duration lease) {
        return lease.dividedBy(4);
    }

    /** True while the lease runs: the near cache may serve and take entries. */
    boolean held() {
        return nanoClock.getAsLong() - validUntil < 0;
    }

    /** The clock value to stamp a probe with, taken before it is published. */
    long now() {
        return nanoClock.getAsLong();
    }

    /**
     * A probe sent at {@code sentNanos} came back: renews the lease to {@code sentNanos + lease}. If the lease had
     * run out, {@code clear} runs first (before anything may be served again). A probe too old to give any lease
     * changes nothing. Returns true when the near cache was cleared.
     */
    synchronized boolean probeReturned(long sentNanos, Runnable clear) {
        long now = nanoClock.getAsLong();
        long until = sentNanos + leaseNanos;
        if (until - now <= 0) {
            return false;
        }
        boolean cleared = false;
        if (now - validUntil >= 0) {
            // the first lease needs no clear: nothing enters the near cache before it
            if (everHeld) {
                clear.run();
                cleared = true;
                if (!lapseCounted) {
                    lost.incrementAndGet(); // lapsed between two checks: count it now
                }
                regained.incrementAndGet();
            }
            everHeld = true;
            lapseCounted = false;
        }
        if (until - validUntil > 0) {
            validUntil = until;
        }
        return cleared;
    }

    /** Counts a lapse once (called on each probe tick); true when the lease lapsed since the last call. */
    synchronized boolean checkLapse() {
        if (everHeld && !lapseCounted && !held()) {
            lapseCounted = true;
            lost.incrementAndGet();
            return true;
        }
        return false;
    }

    long lost() {
        return lost.get();
    }

    long regained() {
        return regained.get();
    }
}
