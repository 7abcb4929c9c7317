package dev.cachesync.catalog.testing;

import dev.cachesync.catalog.outbox.OutboxPayload;
import dev.cachesync.catalog.product.ProductChange;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Reads the outbox table the way an operator would, for assertions. */
public final class OutboxTable {
    private OutboxTable() {
    }

    /** Every change in the outbox, in seq order. */
    public static List<ProductChange> changes(DataSource dataSource) {
        return query(dataSource, "SELECT payload FROM outbox ORDER BY seq");
    }

    public static List<ProductChange> unsent(DataSource dataSource) {
        return query(dataSource, "SELECT payload FROM outbox WHERE sent_at IS NULL ORDER BY seq");
    }

    private static List<ProductChange> query(DataSource dataSource, String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<ProductChange> changes = new ArrayList<>();
            while (rs.next()) {
                changes.add(OutboxPayload.fromJson(rs.getString(1)));
            }
            return changes;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
