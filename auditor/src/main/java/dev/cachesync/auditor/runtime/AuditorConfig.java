package dev.cachesync.auditor.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.config.ConfigReader;
import dev.cachesync.config.Variable;
import dev.cachesync.config.Variables;
import dev.cachesync.schemas.security.KafkaClientSecurity;
import dev.cachesync.schemas.security.RegistryAuth;

/**
 * Everything the auditor reads from its environment, with defaults that work against a local devstack. Redis,
 * Kafka and registry settings are read as every cachesync process reads them (cache-client's
 * {@link RedisSettings}, docs/transport-security.md).
 *
 * @param grace         how long after taking a change its entries are checked: longer than the invalidation lag
 * @param ninesWindow   the window of {@code cachesync_consistency_nines}
 * @param maxPending    checks that may wait at once; more changes are dropped (counted)
 * @param startAt       where a new consumer group starts: {@code latest} (audit from now on) or {@code earliest}
 */
public record AuditorConfig(
        String kafkaBootstrapServers,
        String schemaRegistryUrl,
        RedisSettings redis,
        String groupId,
        int httpPort,
        Duration grace,
        Duration ninesWindow,
        int maxPending,
        String startAt,
        KafkaClientSecurity kafkaSecurity,
        RegistryAuth registryAuth) {

    /** The auditor's own variables (besides cache-client's Redis ones), in the order auditor/README.md lists them. */
    public static final Variables DECLARED = Variables.of(
            Variable.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "Kafka brokers"),
            Variable.of("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8080/apis/ccompat/v7", "Confluent-compatible registry"),
            Variable.of("AUDITOR_GROUP_ID", "cachesync-auditor", "its consumer group (never the invalidator's application id)"),
            Variable.of("AUDITOR_HTTP_PORT", "8080", "/health/live, /health/ready, /metrics (0 = a free port)"),
            Variable.of("AUDITOR_GRACE_MS", "2000", "how long after taking a change its entries are checked"),
            Variable.of("AUDITOR_NINES_WINDOW_SECONDS", "3600", "window of cachesync_consistency_nines"),
            Variable.of("AUDITOR_MAX_PENDING", "100000", "checks that may wait at once; more changes are dropped (counted)"),
            Variable.of("AUDITOR_START_AT", "latest", "where a new group starts: latest (from now on) or earliest"));

    /** Every variable the auditor reads besides the security ones; the deploy manifests are checked against it. */
    public static final List<String> VARIABLES = Stream.concat(DECLARED.names().stream(),
            RedisSettings.CONNECTION_VARIABLES.stream()).toList();

    /** Besides {@link #VARIABLES}: Redis TLS and ACL user, Kafka and registry credentials (docs/transport-security.md). */
    public static final List<String> SECURITY_VARIABLES = Stream.of(
                    RedisSettings.VARIABLES, KafkaClientSecurity.VARIABLES, RegistryAuth.VARIABLES)
            .flatMap(List::stream).filter(name -> !VARIABLES.contains(name)).distinct().toList();

    /** The settings in {@code env}; a malformed value fails naming its variable (and what it must be). */
    public static AuditorConfig fromEnv(Map<String, String> env) {
        ConfigReader e = DECLARED.read(env);
        return new AuditorConfig(
                e.string("KAFKA_BOOTSTRAP_SERVERS"),
                e.string("SCHEMA_REGISTRY_URL"),
                RedisSettings.from(env),
                e.string("AUDITOR_GROUP_ID"),
                e.integer("AUDITOR_HTTP_PORT", 0, 65535),
                e.millis("AUDITOR_GRACE_MS", 1, Integer.MAX_VALUE),
                Duration.ofSeconds(e.integer("AUDITOR_NINES_WINDOW_SECONDS", 1, Integer.MAX_VALUE)),
                e.integer("AUDITOR_MAX_PENDING", 1, Integer.MAX_VALUE),
                e.choice("AUDITOR_START_AT", "latest", "earliest"),
                KafkaClientSecurity.fromEnv(env),
                RegistryAuth.fromEnv(env));
    }
}
