package dev.cachesync.catalog.app;

import dev.cachesync.catalog.api.CatalogApi;
import dev.cachesync.catalog.auth.AuthSettings;
import dev.cachesync.config.ConfigReader;
import dev.cachesync.config.Variable;
import dev.cachesync.config.Variables;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.security.KafkaClientSecurity;
import dev.cachesync.schemas.security.RegistryAuth;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Settings of the catalog service, from environment variables; every default works against a local stack
 * (devstack or docker-compose: Kafka on 9092, the registry on 8080, embedded H2) except authentication, which
 * has none on purpose ({@link AuthSettings}).
 */
public record CatalogConfig(
        int port,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        int dbPoolSize,
        String kafkaBootstrapServers,
        String schemaRegistryUrl,
        boolean autoRegisterSchemas,
        String topic,
        String cacheControl,
        int maxBodyBytes,
        boolean relayEnabled,
        Duration relayPollInterval,
        int relayBatchSize,
        Duration deliveryTimeout,
        String eventSource,
        Duration outboxSentRetention,
        int managementPort,
        AuthSettings auth,
        KafkaClientSecurity kafkaSecurity,
        RegistryAuth registryAuth,
        Duration invalidationWaitMax) {

    /** The variables, with defaults and meanings, in the order catalog-producer/README.md lists them. */
    public static final Variables DECLARED = Variables.of(
            Variable.of("PORT", "8081", "HTTP port (0 picks a free one)"),
            Variable.of("CATALOG_MANAGEMENT_PORT", "9081", "port of /health/* and /metrics (0 picks a free one)"),
            Variable.of("JDBC_URL", Database.DEFAULT_H2_URL, "catalog database; PostgreSQL in production"),
            Variable.of("JDBC_USER", "", "database user (or in the URL)"),
            Variable.secret("JDBC_PASSWORD", "database password (or in the URL)"),
            Variable.of("DB_POOL_SIZE", "10", "connection pool size"),
            Variable.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "Kafka brokers"),
            Variable.of("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8080/apis/ccompat/v7", "Confluent-compatible registry REST base"),
            Variable.of("AUTO_REGISTER_SCHEMAS", "true", "register the ProductEvent schema on first publish"),
            Variable.of("PRODUCT_EVENTS_TOPIC", Topics.PRODUCT_EVENTS, "topic of the product events"),
            Variable.of("CACHE_CONTROL", CatalogApi.DEFAULT_CACHE_CONTROL, "Cache-Control of cacheable GET responses"),
            Variable.of("MAX_BODY_BYTES", "65536", "larger request bodies get 413"),
            Variable.of("OUTBOX_RELAY_ENABLED", "true", "run the outbox relay in this process"),
            Variable.of("OUTBOX_POLL_INTERVAL_MS", "500", "idle relay poll interval (commits in this process wake it at once)"),
            Variable.of("OUTBOX_BATCH_SIZE", "500", "most rows per relay round"),
            Variable.of("KAFKA_DELIVERY_TIMEOUT_MS", "120000", "how long one send keeps retrying before the round is retried"),
            Variable.of("EVENT_SOURCE", "catalog-producer", "the source field of the events"),
            Variable.of("OUTBOX_SENT_RETENTION_MINUTES", "1440", "how long sent outbox rows are kept before the relay deletes them"),
            Variable.of("INVALIDATION_WAIT_MAX_MS", "10000", "longest a write with Prefer: wait-for-invalidation waits for the"
                    + " invalidator (0 ignores the preference and follows no invalidations)"))
            .and(AuthSettings.DECLARED);

    /** {@link #DECLARED} as rows of name, default and meaning (the deploy manifests are checked against it). */
    public static final String[][] VARIABLES = DECLARED.list().stream()
            .map(variable -> new String[] {variable.name(), variable.defaultValue(), variable.description()})
            .toArray(String[][]::new);

    /** Besides {@link #VARIABLES}: Kafka and registry credentials, by the convention of docs/transport-security.md. */
    public static final List<String> SECURITY_VARIABLES = Stream.concat(KafkaClientSecurity.VARIABLES.stream(),
            RegistryAuth.VARIABLES.stream()).toList();

    /** The settings in {@code env}; a malformed value fails naming its variable (and what it must be). */
    public static CatalogConfig fromEnv(Map<String, String> env) {
        ConfigReader r = DECLARED.read(env);
        return new CatalogConfig(
                r.integer("PORT", 0, 65535),
                r.string("JDBC_URL"),
                r.optional("JDBC_USER").orElse(null),
                r.secret("JDBC_PASSWORD").orElse(null),
                r.integer("DB_POOL_SIZE", 1, 1000),
                r.string("KAFKA_BOOTSTRAP_SERVERS"),
                r.string("SCHEMA_REGISTRY_URL"),
                r.bool("AUTO_REGISTER_SCHEMAS"),
                r.string("PRODUCT_EVENTS_TOPIC"),
                r.string("CACHE_CONTROL"),
                r.integer("MAX_BODY_BYTES", 1, 16 * 1024 * 1024),
                r.bool("OUTBOX_RELAY_ENABLED"),
                r.millis("OUTBOX_POLL_INTERVAL_MS", 1, 3_600_000),
                r.integer("OUTBOX_BATCH_SIZE", 1, 100_000),
                r.millis("KAFKA_DELIVERY_TIMEOUT_MS", 1000, Integer.MAX_VALUE),
                r.string("EVENT_SOURCE"),
                Duration.ofMinutes(r.integer("OUTBOX_SENT_RETENTION_MINUTES", 0, 525_600)),
                managementPort(r),
                AuthSettings.from(r),
                KafkaClientSecurity.fromEnv(env),
                RegistryAuth.fromEnv(env),
                r.millis("INVALIDATION_WAIT_MAX_MS", 0, 300_000));
    }

    private static int managementPort(ConfigReader r) {
        int port = r.integer("CATALOG_MANAGEMENT_PORT", 0, 65535);
        if (port != 0 && port == r.integer("PORT", 0, 65535)) {
            throw new IllegalArgumentException("CATALOG_MANAGEMENT_PORT must differ from PORT (" + port
                    + "): health and metrics are served apart from the API");
        }
        return port;
    }

    /** Without the database password, so that logging a configuration never leaks it. */
    @Override
    public String toString() {
        return "CatalogConfig[port=" + port + ", managementPort=" + managementPort + ", jdbcUrl="
                + Database.redact(jdbcUrl) + ", jdbcUser=" + jdbcUser + ", jdbcPassword=" + (jdbcPassword == null ? "none" : "***")
                + ", kafka=" + kafkaBootstrapServers + ", registry=" + schemaRegistryUrl + ", topic=" + topic
                + ", relay=" + relayEnabled + ", auth=" + auth + "]";
    }
}
