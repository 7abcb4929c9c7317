package dev.cachesync.catalog.outbox;

import dev.cachesync.catalog.product.ChangeSink;
import dev.cachesync.catalog.product.ProductChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.postgresql.PGConnection;

/**
 * Appends each change to the {@code outbox} table on the caller's transaction; the relay publishes it later. On
 * PostgreSQL it also sends {@code NOTIFY} on {@value OutboxRelay#NOTIFY_CHANNEL} in that transaction: PostgreSQL
 * delivers it only if the transaction commits (and one per transaction, however many rows), which wakes every
 * listening relay, in any process, at once.
 */
public final class OutboxWriter implements ChangeSink {
    private static final String INSERT =
            "INSERT INTO outbox (event_id, product_id, version, created_at, payload) VALUES (?, ?, ?, ?, ?)";

    /**
     * On PostgreSQL the row and the NOTIFY go to the server together, as two statements in one round trip (the
     * driver sends both before one Sync): the write waits for the database once less before its commit.
     */
    @Override
    public void append(Connection transaction, ProductChange change) throws SQLException {
        boolean postgres = transaction.isWrapperFor(PGConnection.class);
        try (PreparedStatement ps = transaction.prepareStatement(
                postgres ? INSERT + "; NOTIFY " + OutboxRelay.NOTIFY_CHANNEL : INSERT)) {
            ps.setString(1, change.eventId());
            ps.setString(2, change.productId());
            ps.setLong(3, change.version());
            ps.setObject(4, OffsetDateTime.ofInstant(change.occurredAt(), ZoneOffset.UTC));
            ps.setString(5, OutboxPayload.toJson(change));
            ps.execute();
        }
    }
}
