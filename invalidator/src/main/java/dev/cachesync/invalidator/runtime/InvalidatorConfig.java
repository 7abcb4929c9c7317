package dev.cachesync.invalidator.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.config.ConfigReader;
import dev.cachesync.config.Variable;
import dev.cachesync.config.Variables;
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

    /** The broker's {@code default.replication.factor}: on a three-broker cluster with 3 there, three copies. */
    public static final int DEFAULT_REPLICATION_FACTOR = -1;

    /** The invalidator's own variables (besides cache-client's Redis ones), in the order invalidator/README.md lists them. */
    public static final Variables DECLARED = Variables.of(
            Variable.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "Kafka brokers"),
            Variable.of("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8080/apis/ccompat/v7", "Confluent-compatible registry"),
            Variable.of("INVALIDATOR_APPLICATION_ID", "cachesync-invalidator", "Kafka Streams application id"),
            Variable.of("INVALIDATOR_STREAM_THREADS", "1", "stream threads per instance"),
            Variable.of("INVALIDATOR_STATE_DIR", System.getProperty("java.io.tmpdir") + "/cachesync-invalidator",
                    "Kafka Streams state directory (nothing durable is kept)"),
            Variable.of("INVALIDATOR_HTTP_PORT", "8080", "/health/live, /health/ready, /metrics (0 = a free port)"),
            Variable.of("INVALIDATOR_TOPIC_PARTITIONS", "3", "partitions of the topics it creates when missing"),
            Variable.of("INVALIDATOR_CREATE_TOPICS", "true", "create missing topics at start"),
            Variable.of("INVALIDATOR_REPLICATION_FACTOR", Integer.toString(DEFAULT_REPLICATION_FACTOR),
                    "replicas of the topics it creates and of Kafka Streams' internal topics; -1 = the broker's default"),
            Variable.of("INVALIDATOR_BATCH_LINGER_MS", "5", "how long a batch waits for more events (0 = purge every event alone)"),
            Variable.of("INVALIDATOR_BATCH_MAX_EVENTS", "500", "a fuller batch is purged at once"),
            Variable.of("INVALIDATOR_BATCH_CAUGHT_UP_MS",
                    Long.toString(InvalidatorTopology.DEFAULT_CAUGHT_UP_AGE.toMillis()),
                    "a record this fresh shows the task at the head of its partition: its batch is purged at once"),
            Variable.of("INVALIDATOR_BATCH_MAX_TAGS", Integer.toString(InvalidatorTopology.DEFAULT_MAX_BATCH_TAGS),
                    "a batch naming this many tags and keys is purged at once"),
            Variable.of("INVALIDATOR_MAX_TAGS", Integer.toString(InvalidatorTopology.DEFAULT_MAX_TAGS),
                    "an invalidation naming more tags and keys is dead-lettered"),
            Variable.of("INVALIDATOR_STUCK_AFTER_MS", "30000",
                    "readiness answers 503 while an invalidation has waited longer than this"),
            Variable.of("INVALIDATOR_UNKNOWN_SCHEMA_WINDOW_MS",
                    Long.toString(DecodeRetries.DEFAULT_UNKNOWN_SCHEMA_WINDOW.toMillis()),
                    "how long a record with an unknown schema id is retried before it is dead-lettered"),
            Variable.of("INVALIDATOR_HEAL_CHECK_MS", "2000", "how often Redis' applied offsets are compared with the committed ones"),
            Variable.of("INVALIDATOR_HEAL_MAX_RECORDS", "100000", "most records per partition re-applied after a Redis data loss"),
            Variable.of("INVALIDATOR_REDIS_WAIT_REPLICAS", "0",
                    "replicas that must hold each batch's purges before it counts as applied (0 = do not wait)"),
            Variable.of("INVALIDATOR_REDIS_WAIT_TIMEOUT_MS", "1000", "longest WAIT for them"),
            // Kafka's default: how long a crashed instance's partitions wait before another instance takes them.
            Variable.of("INVALIDATOR_SESSION_TIMEOUT_MS", "45000", "Kafka consumer session timeout"),
            Variable.of("INVALIDATOR_COMMIT_INTERVAL_MS", "1000", "Kafka Streams commit interval"));

    /** Every variable the invalidator reads besides the security ones; the deploy manifests are checked against this list. */
    public static final List<String> VARIABLES = Stream.concat(DECLARED.names().stream(),
            RedisSettings.CONNECTION_VARIABLES.stream()).toList();

    /** Besides {@link #VARIABLES}: Redis TLS and ACL user, Kafka and registry credentials (docs/transport-security.md). */
    public static final List<String> SECURITY_VARIABLES = Stream.of(
                    RedisSettings.VARIABLES, KafkaClientSecurity.VARIABLES, RegistryAuth.VARIABLES)
            .flatMap(List::stream).filter(name -> !VARIABLES.contains(name)).toList();

    /** The settings in {@code env}; a malformed value fails naming its variable (and what it must be). */
    public static InvalidatorConfig fromEnv(Map<String, String> env) {
        ConfigReader e = DECLARED.read(env);
        // Durations and counts: a negative one never makes sense (and some failed later, less clearly).
        int anyMillis = Integer.MAX_VALUE;
        return new InvalidatorConfig(
                e.string("KAFKA_BOOTSTRAP_SERVERS"),
                e.string("SCHEMA_REGISTRY_URL"),
                RedisSettings.from(env),
                e.string("INVALIDATOR_APPLICATION_ID"),
                e.integer("INVALIDATOR_STREAM_THREADS", 1, 1024),
                Path.of(e.string("INVALIDATOR_STATE_DIR")),
                e.integer("INVALIDATOR_HTTP_PORT", 0, 65535),
                e.integer("INVALIDATOR_TOPIC_PARTITIONS", 1, Integer.MAX_VALUE),
                e.bool("INVALIDATOR_CREATE_TOPICS"),
                replicationFactor(e),
                new InvalidatorTopology.Settings(
                        e.millis("INVALIDATOR_BATCH_LINGER_MS", 0, anyMillis),
                        e.integer("INVALIDATOR_BATCH_MAX_EVENTS", 1, Integer.MAX_VALUE),
                        e.integer("INVALIDATOR_BATCH_MAX_TAGS", 1, Integer.MAX_VALUE),
                        e.integer("INVALIDATOR_MAX_TAGS", 1, Integer.MAX_VALUE),
                        100_000,
                        e.millis("INVALIDATOR_BATCH_CAUGHT_UP_MS", 0, anyMillis)),
                e.millis("INVALIDATOR_COMMIT_INTERVAL_MS", 0, anyMillis),
                e.millis("INVALIDATOR_STUCK_AFTER_MS", 0, anyMillis),
                e.millis("INVALIDATOR_UNKNOWN_SCHEMA_WINDOW_MS", 0, anyMillis),
                e.millis("INVALIDATOR_HEAL_CHECK_MS", 1, anyMillis),
                e.integer("INVALIDATOR_HEAL_MAX_RECORDS", 0, Integer.MAX_VALUE),
                e.integer("INVALIDATOR_REDIS_WAIT_REPLICAS", 0, Integer.MAX_VALUE),
                e.millis("INVALIDATOR_REDIS_WAIT_TIMEOUT_MS", 0, anyMillis),
                e.millis("INVALIDATOR_SESSION_TIMEOUT_MS", 1, anyMillis),
                KafkaClientSecurity.fromEnv(env),
                RegistryAuth.fromEnv(env));
    }

    private static int replicationFactor(ConfigReader e) {
        int value = e.integer("INVALIDATOR_REPLICATION_FACTOR", -1, Short.MAX_VALUE);
        if (value == 0) {
            throw e.invalid("INVALIDATOR_REPLICATION_FACTOR", "-1 (the broker's default) or from 1 to " + Short.MAX_VALUE);
        }
        return value;
    }
}
