package dev.cachesync.cache.store;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The near cache's lease: proof that its invalidation channel delivered every message published up to a recent
 * moment. A probe published on the channel at {@code sent} and received back proves that every invalidation
 * published before {@code sent} was received before it (one channel, one connection: in order). The lease then
 * runs until {@code sent + lease}; past that, the near cache does not serve nor take entries ({@link NearCache}).
 * So a purge acknowledged at {@code P} stops being served stale from this near cache by {@code P + lease} plus the
 * delay of the check that ends the lease: the last probe sent before {@code P} gave a lease ending before then,
 * and every later probe's return proves the purge's message arrived first.
 *
 * <p>The hot path reads one volatile flag ({@link #held()}); {@link #checkLapse()} lowers it once the lease has run
 * out (the near cache calls it on every probe tick, and once more at the end of a lease about to run out before
 * the next tick, so it ends within scheduling delay of {@code sent + lease}).
 *
 * <p>When a probe returns after the lease ran out, messages may have been lost meanwhile (the proof says nothing
 * about them), so the near cache is cleared before the lease is renewed: the clear bumps the near cache's epoch
 * first, so a put in flight across the gap takes its insert back ({@link NearCache#putIfUnchanged}).
 *
 * <p>Pure arithmetic on a nanosecond clock (tests pass a fake one); changes are serialized on this object.
 */
final class NearCacheLease {

    private final long leaseNanos;
    private final LongSupplier nanoClock;
    /** The near cache may serve and take entries: a lease runs and no check has found it over. */
    private volatile boolean held;
    /** The lease runs until this clock value (exclusive); guarded by this. */
    private long validUntil;
    /** Guarded by this: a lease was held once (the first one is no "regain"). */
    private boolean everHeld;
    /** Guarded by this: the current lapse was counted by {@link #checkLapse()}. */
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

    /** True while the lease runs: the near cache may serve and take entries. One volatile read. */
    boolean held() {
        return held;
    }

    /** The clock value to stamp a probe with, taken before it is published. */
    long now() {
        return nanoClock.getAsLong();
    }

    /** Nanoseconds until the lease runs out (zero or less: it has). */
    synchronized long nanosLeft() {
        return validUntil - nanoClock.getAsLong();
    }

    /**
     * A probe sent at {@code sentNanos} came back: renews the lease to {@code sentNanos + lease}. If the lease had
     * run out (whether or not a check noticed yet), {@code clear} runs first, before anything may be served again.
     * A probe too old to give any lease changes nothing. Returns true when the near cache was cleared.
     */
    synchronized boolean probeReturned(long sentNanos, Runnable clear) {
        long now = nanoClock.getAsLong();
        long until = sentNanos + leaseNanos;
        if (until - now <= 0) {
            return false;
        }
        boolean cleared = false;
        if (!held || now - validUntil >= 0) {
            // the first lease needs no clear: nothing enters the near cache before it
            if (everHeld) {
                held = false;
                clear.run();
                cleared = true;
                if (!lapseCounted) {
                    lost.incrementAndGet(); // ran out between two checks: count it now
                }
                regained.incrementAndGet();
            }
            everHeld = true;
            lapseCounted = false;
        }
        if (until - validUntil > 0) {
            validUntil = until;
        }
        held = true;
        return cleared;
    }

    /** Ends the lease if it ran out, counting the lapse once; true when it ended now. */
    synchronized boolean checkLapse() {
        if (held && nanoClock.getAsLong() - validUntil >= 0) {
            held = false;
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
