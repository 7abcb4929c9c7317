package dev.cachesync.invalidator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Since when each task of this instance has held an invalidation it has not applied yet (taken into a batch, or
 * waiting for the schema registry to decode it). The oldest is what the readiness probe and the
 * {@code oldest_unapplied_age} gauge report: an invalidation that stays unapplied (Redis full, the registry down)
 * turns the instance not-ready instead of blocking invalidation silently. Thread-safe: tasks run on several
 * stream threads.
 */
public final class UnappliedInvalidations {
    private final Map<String, Long> since = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public UnappliedInvalidations(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    public static UnappliedInvalidations systemClock() {
        return new UnappliedInvalidations(System::nanoTime);
    }

    /** {@code task} holds an unapplied invalidation since {@code sinceNanos}; an earlier start is kept. */
    void waitingSince(String task, long sinceNanos) {
        since.merge(task, sinceNanos, Math::min);
    }

    /** Everything {@code task} held was applied or dead-lettered (or the task left this instance). */
    void caughtUp(String task) {
        since.remove(task);
    }

    /** Age of the oldest unapplied invalidation on this instance; zero when there is none. */
    public Duration oldestAge() {
        long now = nanoClock.getAsLong();
        return since.values().stream().min(Long::compare).map(start -> Duration.ofNanos(Math.max(0, now - start)))
                .orElse(Duration.ZERO);
    }
}
