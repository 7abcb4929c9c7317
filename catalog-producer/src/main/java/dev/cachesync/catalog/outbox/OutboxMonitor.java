package dev.cachesync.catalog.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import javax.sql.DataSource;

/** Reads the outbox backlog; metric scrapes within a second share one query. */
final class OutboxMonitor {
    private static final Duration CACHE_FOR = Duration.ofSeconds(1);
    private final DataSource dataSource;
    private final Clock clock;
    private OutboxStats cached;
    private Instant cachedAt = Instant.EPOCH;

    OutboxMonitor(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    synchronized OutboxStats stats() {
        Instant now = clock.instant();
        if (cached == null || Duration.between(cachedAt, now).compareTo(CACHE_FOR) >= 0) {
            cached = query(now);
            cachedAt = now;
        }
        return cached;
    }

    /** Uncached, for callers that need the current figure. */
    OutboxStats query(Instant now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE sent_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long backlog = rs.getLong(1);
            OffsetDateTime oldest = rs.getObject(2, OffsetDateTime.class);
            Duration age = oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), now);
            return new OutboxStats(backlog, age.isNegative() ? Duration.ZERO : age);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the outbox backlog: " + e.getMessage(), e);
        }
    }
}
