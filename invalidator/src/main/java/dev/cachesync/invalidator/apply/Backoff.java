package dev.cachesync.invalidator.apply;

import java.time.Duration;

/** Exponential backoff: {@code first}, doubling, capped at {@code max}. */
public record Backoff(Duration first, Duration max) {
    public Backoff {
        if (first.isNegative() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff must be 0 <= first <= max, was " + first + " / " + max);
        }
    }

    /** The pause after {@code previous} (ZERO before the first pause). */
    public Duration next(Duration previous) {
        Duration doubled = previous.isZero() ? first : previous.multipliedBy(2);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }
}
