package dev.cachesync.auditor.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.cachesync.cache.client.RedisSettings;
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

    /** Every variable the auditor reads besides the security ones; the deploy manifests are checked against it. */
    public static final List<String> VARIABLES = List.of(
            "KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD",
            "REDIS_KEY_PREFIX", "IS_ELASTICACHE", "AUDITOR_GROUP_ID", "AUDITOR_HTTP_PORT", "AUDITOR_GRACE_MS",
            "AUDITOR_NINES_WINDOW_SECONDS", "AUDITOR_MAX_PENDING", "AUDITOR_START_AT");

    /** Besides {@link #VARIABLES}: Redis TLS and ACL user, Kafka and registry credentials (docs/transport-security.md). */
    public static final List<String> SECURITY_VARIABLES = Stream.of(
                    RedisSettings.VARIABLES, KafkaClientSecurity.VARIABLES, RegistryAuth.VARIABLES)
            .flatMap(List::stream).filter(name -> !VARIABLES.contains(name)).distinct().toList();

    public static AuditorConfig fromEnv(Map<String, String> env) {
        String startAt = text(env, "AUDITOR_START_AT", "latest");
        if (!startAt.equals("latest") && !startAt.equals("earliest")) {
            throw new IllegalArgumentException("AUDITOR_START_AT must be latest or earliest, got '" + startAt + "'");
        }
        int graceMs = positive(env, "AUDITOR_GRACE_MS", 2000);
        int windowSeconds = positive(env, "AUDITOR_NINES_WINDOW_SECONDS", 3600);
        return new AuditorConfig(
                text(env, "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                text(env, "SCHEMA_REGISTRY_URL", "http://127.0.0.1:8080/apis/ccompat/v7"),
                RedisSettings.from(env),
                text(env, "AUDITOR_GROUP_ID", "cachesync-auditor"),
                integer(env, "AUDITOR_HTTP_PORT", 8080),
                Duration.ofMillis(graceMs),
                Duration.ofSeconds(windowSeconds),
                positive(env, "AUDITOR_MAX_PENDING", 100_000),
                startAt,
                KafkaClientSecurity.fromEnv(env),
                RegistryAuth.fromEnv(env));
    }

    private static String text(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** A malformed number fails start-up naming the variable. */
    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = text(env, name, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
        }
    }

    private static int positive(Map<String, String> env, String name, int fallback) {
        int value = integer(env, name, fallback);
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }
}
