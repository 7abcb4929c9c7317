package dev.cachesync.catalog.outbox;

import java.time.Duration;

/** The unsent part of the outbox: how many rows, and how long the oldest has waited (zero when empty). */
public record OutboxStats(long backlog, Duration oldestUnsentAge) {
}
