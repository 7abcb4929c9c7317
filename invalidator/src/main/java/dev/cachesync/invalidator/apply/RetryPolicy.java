package dev.cachesync.invalidator.apply;

import java.time.Duration;

/**
 * How failed purges are retried: transient failures with {@code backoff}, for as long as it takes; deterministic
 * ones {@code deterministicAttempts} times in all before the batch is split to find the invalidation that fails.
 */
public record RetryPolicy(Backoff backoff, int deterministicAttempts) {
    public RetryPolicy {
        if (deterministicAttempts < 1) {
            throw new IllegalArgumentException("deterministicAttempts must be >= 1, was " + deterministicAttempts);
        }
    }

    /** 50 ms doubling to 2 s; three attempts for a deterministic failure. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2)), 3);
    }
}
