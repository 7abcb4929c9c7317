package dev.cachesync.catalog.product;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Receives each change inside the transaction that writes the product row, so the two commit or roll back
 * together. The transactional outbox ({@code OutboxWriter}) is the implementation used in production.
 */
@FunctionalInterface
public interface ChangeSink {
    void append(Connection transaction, ProductChange change) throws SQLException;
}
