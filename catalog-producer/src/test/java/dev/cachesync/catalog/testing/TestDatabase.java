package dev.cachesync.catalog.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.cachesync.catalog.app.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh, migrated catalog database for one test class: in-memory H2 (PostgreSQL mode), or a new database on the
 * PostgreSQL server named by {@code CATALOG_TEST_POSTGRES_URL}, dropped again on {@link #close()}.
 */
public final class TestDatabase implements AutoCloseable {
    public static final String POSTGRES_URL_VARIABLE = "CATALOG_TEST_POSTGRES_URL";

    private final String kind;
    private final String url;
    private final HikariDataSource dataSource;
    private final Runnable drop;
    private final java.util.List<HikariDataSource> otherPools = new java.util.concurrent.CopyOnWriteArrayList<>();

    private TestDatabase(String kind, String url, HikariDataSource dataSource, Runnable drop) {
        this.kind = kind;
        this.url = url;
        this.dataSource = dataSource;
        this.drop = drop;
    }

    /** A second connection pool on the same database, as another catalog process would have; closed with this. */
    public DataSource anotherPool() {
        HikariDataSource pool = Database.open(url, null, null, 4);
        otherPools.add(pool);
        return pool;
    }

    public static TestDatabase h2() {
        String url = "jdbc:h2:mem:catalog_" + UUID.randomUUID().toString().replace("-", "")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
        return new TestDatabase("h2", url, Database.open(url, null, null, 8), () -> { });
    }

    /** Skips the calling test (with instructions) when the variable is not set; CI always sets it. */
    public static TestDatabase postgres() {
        String adminUrl = System.getenv(POSTGRES_URL_VARIABLE);
        Assumptions.assumeTrue(adminUrl != null && !adminUrl.isBlank(),
                "PostgreSQL tests skipped: set " + POSTGRES_URL_VARIABLE
                        + "=jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres (a server where that user may"
                        + " CREATE DATABASE) to run them; .ci/run sets it and treats a missing PostgreSQL as a failure");
        String name = "catalog_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute(adminUrl, "CREATE DATABASE " + name);
        String url = withDatabase(adminUrl, name);
        HikariDataSource dataSource;
        try {
            dataSource = Database.open(url, null, null, 8);
        } catch (RuntimeException e) {
            execute(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            throw e;
        }
        return new TestDatabase("postgresql", url, dataSource,
                () -> execute(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    }

    public static TestDatabase of(String kind) {
        return kind.equals("postgresql") ? postgres() : h2();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String kind() {
        return kind;
    }

    @Override
    public void close() {
        otherPools.forEach(HikariDataSource::close);
        dataSource.close();
        drop.run();
    }

    /** Replaces the database path of a PostgreSQL JDBC URL, keeping its parameters. */
    static String withDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        int slash = base.indexOf('/', "jdbc:postgresql://".length());
        String hostPart = slash < 0 ? base : base.substring(0, slash);
        return hostPart + "/" + database + params;
    }

    private static void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return kind;
    }
}
