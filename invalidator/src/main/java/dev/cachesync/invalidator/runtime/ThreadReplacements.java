package dev.cachesync.invalidator.runtime;

import java.time.Duration;

import dev.cachesync.invalidator.apply.Backoff;

/**
 * How long to wait before replacing a failed stream thread: 1 s doubling to 60 s while failures follow each other
 * within {@link #CALM}, back to 1 s after a calm period. Without it, a failure that repeats at once (a dependency
 * down) would replace threads, and rebalance the group, in a tight loop. Pure; the caller keeps it per instance.
 */
final class ThreadReplacements {
    static final Duration CALM = Duration.ofMinutes(5);
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
    private Duration last = Duration.ZERO;
    private long lastFailureNanos;

    /** The pause before replacing a thread that failed at {@code nowNanos}. */
    synchronized Duration delayFor(long nowNanos) {
        if (!last.isZero() && nowNanos - lastFailureNanos > CALM.toNanos()) {
            last = Duration.ZERO;
        }
        lastFailureNanos = nowNanos;
        last = backoff.next(last);
        return last;
    }
}
