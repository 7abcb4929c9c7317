package dev.cachesync.catalog.product;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * JDBC store of products (PostgreSQL, or H2 in PostgreSQL mode; schema by Flyway, see {@code db/migration}).
 *
 * <p>Every write runs in one transaction that locks the product row, checks the {@link WriteCondition}, writes
 * the row with {@code version + 1} and hands the {@link ProductChange} to the {@link ChangeSink} (the outbox) on
 * the same connection, so the row and its event commit together or not at all. Deletes keep a tombstone row so
 * that versions keep increasing if the id is used again.
 */
public final class ProductStore {
    private static final String COLUMNS =
            "id, name, description, price_cents, currency, stock, category_slug, brand_slug, version, updated_at, deleted";
    private static final int MAX_CREATE_RACE_RETRIES = 3;

    private final DataSource dataSource;
    private final ChangeSink sink;
    private final Clock clock;
    private final String source;
    private final Runnable afterCommit;

    private ProductStore(Builder builder) {
        this.dataSource = Objects.requireNonNull(builder.dataSource, "dataSource");
        this.sink = Objects.requireNonNull(builder.sink, "changeSink");
        this.clock = builder.clock;
        this.source = builder.source;
        this.afterCommit = builder.afterCommit;
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    public Optional<Product> find(String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM products WHERE id = ? AND deleted = FALSE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs).product) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("reading product " + id, e);
        }
    }

    /** The existing products among {@code ids}, keyed by id, in the order of {@code ids}. */
    public Map<String, Product> findAll(Collection<String> ids) {
        Map<String, Product> found = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
        Map<String, Product> byId = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT " + COLUMNS + " FROM products WHERE deleted = FALSE AND id IN (" + marks + ")")) {
            int i = 1;
            for (String id : ids) {
                ps.setString(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Product p = read(rs).product;
                    byId.put(p.id(), p);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading products " + ids, e);
        }
        for (String id : ids) {
            Product p = byId.get(id);
            if (p != null) {
                found.put(id, p);
            }
        }
        return found;
    }

    /** Products of a category ordered by id, starting after {@code afterId} (null for the first page). */
    public List<Product> findByCategory(String categorySlug, String afterId, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM products WHERE deleted = FALSE AND category_slug = ?"
                + (afterId != null ? " AND id > ?" : "") + " ORDER BY id LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, categorySlug);
            if (afterId != null) {
                ps.setString(i++, afterId);
            }
            ps.setInt(i, limit);
            List<Product> products = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    products.add(read(rs).product);
                }
            }
            return products;
        } catch (SQLException e) {
            throw new StoreException("reading category " + categorySlug, e);
        }
    }

    /** Creates or replaces product {@code id}. Leaves the product alone (no version, no event) if nothing differs. */
    public WriteResult put(String id, ProductDraft draft, WriteCondition condition, String traceId) {
        ProductRules.requireId("id", id);
        Objects.requireNonNull(draft, "draft");
        return write(id, condition, traceId, current -> draft);
    }

    /** Changes some fields of an existing product; {@link ProductNotFoundException} if there is none. */
    public WriteResult patch(String id, ProductPatch patch, WriteCondition condition, String traceId) {
        ProductRules.requireId("id", id);
        Objects.requireNonNull(patch, "patch");
        return write(id, condition, traceId, current -> {
            if (current == null) {
                throw new ProductNotFoundException(id);
            }
            return patch.applyTo(current);
        });
    }

    /** Deletes an existing product; {@link ProductNotFoundException} if there is none. */
    public WriteResult delete(String id, WriteCondition condition, String traceId) {
        ProductRules.requireId("id", id);
        return write(id, condition, traceId, current -> {
            if (current == null) {
                throw new ProductNotFoundException(id);
            }
            return null;
        });
    }

    /** Decides the new state from the current live one: a draft, or null to delete. */
    private interface Decision {
        ProductDraft decide(Product current);
    }

    private WriteResult write(String id, WriteCondition condition, String traceId, Decision decision) {
        for (int attempt = 1; ; attempt++) {
            try {
                WriteResult result = writeOnce(id, condition, traceId, decision);
                if (result.changed()) {
                    afterCommit.run();
                }
                return result;
            } catch (SQLException e) {
                // Two requests creating the same new id race on the primary key; the loser retries as a replace.
                if (isUniqueViolation(e) && attempt < MAX_CREATE_RACE_RETRIES) {
                    continue;
                }
                throw new StoreException("writing product " + id, e);
            }
        }
    }

    private WriteResult writeOnce(String id, WriteCondition condition, String traceId, Decision decision)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                WriteResult result = writeInTransaction(c, id, condition, traceId, decision);
                if (result.changed()) {
                    c.commit();
                } else {
                    c.rollback();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private WriteResult writeInTransaction(Connection c, String id, WriteCondition condition, String traceId,
                                           Decision decision) throws SQLException {
        Row row = lockRow(c, id);
        Product current = row != null && !row.deleted ? row.product : null;
        if (!condition.allows(current)) {
            throw new PreconditionFailedException(id, current);
        }
        ProductDraft draft = decision.decide(current);
        if (current != null && current.draft().equals(draft)) {
            return new WriteResult(current, null);
        }
        long version = row == null ? 1 : row.product.version() + 1;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (row != null && now.isBefore(row.product.updatedAt())) {
            now = row.product.updatedAt(); // never let Last-Modified go backwards if the clock does
        }
        ProductChange change;
        Product after;
        if (draft == null) {
            after = null;
            markDeleted(c, id, version, now);
            change = ProductChange.between(current, null, version, now, source, traceId);
        } else {
            after = draft.toProduct(id, version, now);
            if (row == null) {
                insert(c, after);
            } else {
                update(c, after);
            }
            change = ProductChange.between(current, after, version, now, source, traceId);
        }
        sink.append(c, change);
        return new WriteResult(after, change);
    }

    private static Row lockRow(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM products WHERE id = ? FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static void insert(Connection c, Product p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO products (name, description, price_cents, currency,"
                + " stock, category_slug, brand_slug, version, updated_at, deleted, id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?)")) {
            bind(ps, p);
            ps.executeUpdate();
        }
    }

    private static void update(Connection c, Product p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE products SET name = ?, description = ?, price_cents = ?,"
                + " currency = ?, stock = ?, category_slug = ?, brand_slug = ?, version = ?, updated_at = ?,"
                + " deleted = FALSE WHERE id = ?")) {
            bind(ps, p);
            ps.executeUpdate();
        }
    }

    private static void markDeleted(Connection c, String id, long version, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE products SET deleted = TRUE, version = ?, updated_at = ? WHERE id = ?")) {
            ps.setLong(1, version);
            ps.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Product p) throws SQLException {
        ps.setString(1, p.name());
        setNullableString(ps, 2, p.description());
        ps.setLong(3, p.priceCents());
        ps.setString(4, p.currency());
        ps.setInt(5, p.stock());
        ps.setString(6, p.categorySlug());
        setNullableString(ps, 7, p.brandSlug());
        ps.setLong(8, p.version());
        ps.setObject(9, OffsetDateTime.ofInstant(p.updatedAt(), ZoneOffset.UTC));
        ps.setString(10, p.id());
    }

    private static void setNullableString(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    private static Row read(ResultSet rs) throws SQLException {
        Product p = new Product(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getLong("price_cents"),
                rs.getString("currency"),
                rs.getInt("stock"),
                rs.getString("category_slug"),
                rs.getString("brand_slug"),
                rs.getLong("version"),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
        return new Row(p, rs.getBoolean("deleted"));
    }

    static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** A stored row; deleted rows are tombstones that keep the last version. */
    private record Row(Product product, boolean deleted) {
    }

    public static final class Builder {
        private final DataSource dataSource;
        private ChangeSink sink;
        private Clock clock = Clock.systemUTC();
        private String source = "catalog-producer";
        private Runnable afterCommit = () -> { };

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /** Where each change goes inside its transaction; normally the outbox. Required. */
        public Builder changeSink(ChangeSink sink) { this.sink = sink; return this; }

        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

        /** The {@code source} written into every event. */
        public Builder source(String source) { this.source = Objects.requireNonNull(source); return this; }

        /** Runs after every committed change, e.g. to wake the outbox relay instead of waiting for its next poll. */
        public Builder afterCommit(Runnable afterCommit) { this.afterCommit = Objects.requireNonNull(afterCommit); return this; }

        public ProductStore build() {
            return new ProductStore(this);
        }
    }
}
