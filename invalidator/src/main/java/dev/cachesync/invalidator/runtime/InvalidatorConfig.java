package dev.cachesync.invalidator.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.invalidator.DecodeRetries;
import dev.cachesync.invalidator.InvalidatorTopology;
import dev.cachesync.schemas.security.KafkaClientSecurity;
import dev.cachesync.schemas.security.RegistryAuth;

/**
 * Everything the invalidator reads from its environment, with defaults that work against a local devstack.
 * Redis settings are read by cache-client's {@link RedisSettings} (REDIS_HOST, REDIS_PORT, REDIS_PASSWORD,
 * REDIS_KEY_PREFIX, IS_ELASTICACHE: the integration guide's names), so every cachesync process reads them alike.
 */
public record InvalidatorConfig(
        String kafkaBootstrapServers,
        String schemaRegistryUrl,
        RedisSettings redis,
        String applicationId,
        int streamThreads,
        Path stateDir,
        int httpPort,
        int topicPartitions,
        boolean createTopics,
        int replicationFactor,
        InvalidatorTopology.Settings batching,
        Duration commitInterval,
        Duration stuckAfter,
        Duration unknownSchemaWindow,
        Duration healCheckInterval,
        int healMaxRecords,
        int redisWaitReplicas,
        Duration redisWaitTimeout,
        Duration sessionTimeout,
        KafkaClientSecurity kafkaSecurity,
        RegistryAuth registryAuth) {

    /** Every variable the invalidator reads; the deploy manifests are checked against this list. */
    public static final java.util.List<String> VARIABLES = java.util.List.of(
            "KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD",
            "REDIS_KEY_PREFIX", "IS_ELASTICACHE", "INVALIDATOR_APPLICATION_ID", "INVALIDATOR_STREAM_THREADS",
            "INVALIDATOR_STATE_DIR", "INVALIDATOR_HTTP_PORT", "INVALIDATOR_TOPIC_PARTITIONS",
            "INVALIDATOR_CREATE_TOPICS", "INVALIDATOR_BATCH_LINGER_MS", "INVALIDATOR_BATCH_MAX_EVENTS",
            "INVALIDATOR_COMMIT_INTERVAL_MS", "INVALIDATOR_BATCH_MAX_TAGS", "INVALIDATOR_MAX_TAGS",
            "INVALIDATOR_STUCK_AFTER_MS", "INVALIDATOR_UNKNOWN_SCHEMA_WINDOW_MS", "INVALIDATOR_HEAL_CHECK_MS",
            "INVALIDATOR_HEAL_MAX_RECORDS", "INVALIDATOR_REDIS_WAIT_REPLICAS", "INVALIDATOR_REDIS_WAIT_TIMEOUT_MS",
            "INVALIDATOR_SESSION_TIMEOUT_MS", "INVALIDATOR_BATCH_CAUGHT_UP_MS", "INVALIDATOR_REPLICATION_FACTOR");

    /** Besides {@link #VARIABLES}: Redis TLS and ACL user, Kafka and registry credentials (docs/transport-security.md). */
    public static final java.util.List<String> SECURITY_VARIABLES = java.util.stream.Stream.of(
                    RedisSettings.VARIABLES, KafkaClientSecurity.VARIABLES, RegistryAuth.VARIABLES)
            .flatMap(java.util.List::stream).filter(name -> !VARIABLES.contains(name)).toList();

    /** The broker's {@code default.replication.factor}: on a three-broker cluster with 3 there, three copies. */
    public static final int DEFAULT_REPLICATION_FACTOR = -1;

    private static int replicationFactor(int value) {
        if (value != -1 && value < 1) {
            throw new IllegalArgumentException("INVALIDATOR_REPLICATION_FACTOR must be -1 (the broker's default) or "
                    + "at least 1, got " + value);
        }
        return value;
    }

    public static InvalidatorConfig fromEnv(Map<String, String> env) {
        Env e = new Env(env);
        return new InvalidatorConfig(
                e.text("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                e.text("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8080/apis/ccompat/v7"),
                RedisSettings.from(env),
                e.text("INVALIDATOR_APPLICATION_ID", "cachesync-invalidator"),
                e.integer("INVALIDATOR_STREAM_THREADS", 1),
                Path.of(e.text("INVALIDATOR_STATE_DIR", System.getProperty("java.io.tmpdir") + "/cachesync-invalidator")),
                e.integer("INVALIDATOR_HTTP_PORT", 8080),
                e.integer("INVALIDATOR_TOPIC_PARTITIONS", 3),
                e.bool("INVALIDATOR_CREATE_TOPICS", true),
                replicationFactor(e.integer("INVALIDATOR_REPLICATION_FACTOR", DEFAULT_REPLICATION_FACTOR)),
                new InvalidatorTopology.Settings(
                        Duration.ofMillis(e.integer("INVALIDATOR_BATCH_LINGER_MS", 5)),
                        e.integer("INVALIDATOR_BATCH_MAX_EVENTS", 500),
                        e.integer("INVALIDATOR_BATCH_MAX_TAGS", InvalidatorTopology.DEFAULT_MAX_BATCH_TAGS),
                        e.integer("INVALIDATOR_MAX_TAGS", InvalidatorTopology.DEFAULT_MAX_TAGS),
                        100_000,
                        Duration.ofMillis(e.integer("INVALIDATOR_BATCH_CAUGHT_UP_MS",
                                (int) InvalidatorTopology.DEFAULT_CAUGHT_UP_AGE.toMillis()))),
                Duration.ofMillis(e.integer("INVALIDATOR_COMMIT_INTERVAL_MS", 1000)),
                Duration.ofMillis(e.integer("INVALIDATOR_STUCK_AFTER_MS", 30_000)),
                Duration.ofMillis(e.integer("INVALIDATOR_UNKNOWN_SCHEMA_WINDOW_MS",
                        (int) DecodeRetries.DEFAULT_UNKNOWN_SCHEMA_WINDOW.toMillis())),
                Duration.ofMillis(e.integer("INVALIDATOR_HEAL_CHECK_MS", 2000)),
                e.integer("INVALIDATOR_HEAL_MAX_RECORDS", 100_000),
                e.integer("INVALIDATOR_REDIS_WAIT_REPLICAS", 0),
                Duration.ofMillis(e.integer("INVALIDATOR_REDIS_WAIT_TIMEOUT_MS", 1000)),
                // Kafka's default: how long a crashed instance's partitions wait before another instance takes them.
                Duration.ofMillis(e.integer("INVALIDATOR_SESSION_TIMEOUT_MS", 45_000)),
                KafkaClientSecurity.fromEnv(env),
                RegistryAuth.fromEnv(env));
    }

    /** Reads typed values; a malformed one fails start-up naming the variable. */
    private record Env(Map<String, String> env) {
        String text(String name, String fallback) {
            String value = env.get(name);
            return value == null || value.isBlank() ? fallback : value.trim();
        }

        int integer(String name, int fallback) {
            String value = text(name, null);
            if (value == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
            }
        }

        boolean bool(String name, boolean fallback) {
            String value = text(name, null);
            if (value == null) {
                return fallback;
            }
            return switch (value.toLowerCase()) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
            };
        }
    }
}
