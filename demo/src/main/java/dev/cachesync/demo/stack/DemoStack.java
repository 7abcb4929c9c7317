package dev.cachesync.demo.stack;

import dev.cachesync.catalog.app.CatalogApp;
import dev.cachesync.catalog.app.CatalogConfig;
import dev.cachesync.catalog.auth.ApiKeys;
import dev.cachesync.catalog.auth.Scopes;
import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.cache.store.Segments;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.KafkaCluster;
import dev.cachesync.devstack.RedisCluster;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.auditor.runtime.AuditorApp;
import dev.cachesync.auditor.runtime.AuditorConfig;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the demo runs, on one machine: Kafka, Redis and the schema registry (devstack), the invalidator, the
 * catalog service (H2) with seeded products, and the delaying proxy the order services call the catalog through.
 * The {@link Topology} says whether Redis is one server or a Redis Cluster, Kafka one broker or a cluster, and how
 * many invalidator instances share how many partitions.
 * {@link #close()} stops all of it, in reverse order, and is safe to call twice (it is also the Ctrl-C path).
 */
public final class DemoStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoStack.class);

    /** Who owns Kafka, Redis and the registry. */
    public enum Infrastructure {
        /** Started here and stopped by {@link #close()}: the demo. */
        PRIVATE,
        /** The JVM-wide devstack instances, stopped at JVM exit: tests. */
        SHARED
    }

    /**
     * @param keyPrefix     Redis key prefix of the cache (the invalidator purges under it)
     * @param products      products to seed
     * @param categories    categories they are spread over
     * @param brands        brands they are spread over (0 = no brands)
     * @param originLatency latency the proxy adds to catalog calls
     * @param cacheControl  Cache-Control of the catalog's product responses
     * @param topology      standalone or clustered Redis and Kafka, partitions, invalidator instances
     */
    public record Settings(Infrastructure infrastructure, String keyPrefix, int products, int categories, int brands,
                           Duration originLatency,
                           String cacheControl, Topology topology) {

        /** On today's standard stack: one redis-server, one broker, one invalidator. */
        public Settings(Infrastructure infrastructure, String keyPrefix, int products, int categories, int brands,
                        Duration originLatency, String cacheControl) {
            this(infrastructure, keyPrefix, products, categories, brands, originLatency, cacheControl,
                    Topology.STANDARD);
        }
    }

    /** Where the demo's progress lines go. */
    public interface Progress {
        void step(String what, String result, Duration took);
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    /** One of kafka and kafkaCluster is set, as the topology says; likewise redis and redisCluster. */
    private KafkaBroker kafka;
    private KafkaCluster kafkaCluster;
    private RedisServer redis;
    private RedisCluster redisCluster;
    private SchemaRegistry registry;
    private final List<InvalidatorApp> invalidators = new ArrayList<>();
    private AuditorApp auditor;
    private CatalogApp catalog;
    private DelayingProxy proxy;
    private InvalidationWatcher watcher;
    private CatalogAdmin admin;
    /** The catalog team's key, minted for this stack: it exists in this process only. */
    private final ApiKeys.MintedKey adminKey = ApiKeys.mint("demo-catalog-admin", Scopes.WRITE);
    private Path stateDir;
    private final Settings settings;
    private boolean closed;

    /** A stack not yet started: {@link #start} starts it, {@link #close} (from any thread) stops it. */
    public DemoStack(Settings settings) {
        this.settings = settings;
    }

    /** Starts every part, reporting each; on failure stops what was started and rethrows. */
    public DemoStack start(Progress progress) {
        try {
            startAll(settings, progress);
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void startAll(Settings s, Progress progress) {
        boolean own = s.infrastructure() == Infrastructure.PRIVATE;
        // The registry is a child JVM and takes longest: start it while Kafka and Redis come up here.
        long t0 = System.nanoTime();
        CompletableFuture<SchemaRegistry> registryStart = CompletableFuture.supplyAsync(
                own ? SchemaRegistry::start : DevStack::schemaRegistry);
        Topology topology = s.topology();
        try {
            if (topology.kafkaCluster()) {
                kafkaCluster = timed(progress, "Kafka cluster (" + topology.brokers() + " KRaft brokers, child JVMs)",
                        own ? () -> KafkaCluster.start(topology.brokers()) : () -> sharedKafkaCluster(topology),
                        KafkaCluster::bootstrapServers);
                if (own) {
                    register(kafkaCluster);
                }
            } else {
                kafka = timed(progress, "Kafka broker (KRaft, in this JVM)", own ? KafkaBroker::start : DevStack::kafka,
                        k -> k.bootstrapServers());
                if (own) {
                    register(kafka);
                }
            }
            if (topology.redisCluster()) {
                redisCluster = timed(progress, "Redis Cluster (3 primaries + 3 replicas)",
                        own ? RedisCluster::start : DevStack::redisCluster, c -> String.join(",", c.uris()));
                if (own) {
                    register(redisCluster);
                }
            } else {
                redis = timed(progress, "Redis", own ? RedisServer::start : DevStack::redis,
                        r -> r.uri() + " (" + r.kind() + ")");
                if (own) {
                    register(redis);
                }
            }
        } finally {
            try {
                registry = registryStart.join();
                if (own) {
                    register(registry);
                }
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }
        progress.step("Schema registry (Apicurio, Confluent API)", registry.url(),
                Duration.ofNanos(System.nanoTime() - t0));

        stateDir = tempDir();
        Map<String, String> invalidatorEnv = new HashMap<>(redisEnv());
        invalidatorEnv.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers());
        invalidatorEnv.put("SCHEMA_REGISTRY_URL", registry.url());
        invalidatorEnv.put("INVALIDATOR_HTTP_PORT", "0");
        invalidatorEnv.put("INVALIDATOR_APPLICATION_ID", "cachesync-demo-" + UUID.randomUUID().toString().substring(0, 8));
        // The topics the invalidator creates (the first instance; they may exist already on a shared broker).
        invalidatorEnv.put("INVALIDATOR_TOPIC_PARTITIONS", Integer.toString(topology.partitions()));
        if (topology.kafkaCluster()) {
            // Its topics and Streams' internal ones on three brokers, as deploy/k8s says for a cluster.
            invalidatorEnv.put("INVALIDATOR_REPLICATION_FACTOR", Integer.toString(topology.replicationFactor()));
        }
        if (topology.redisCluster()) {
            // A purge counts as applied once a replica of every segment's primary has it (docs/protocol.md,
            // "Segmented layout"): a failover then loses no acknowledged purge.
            invalidatorEnv.put("INVALIDATOR_REDIS_WAIT_REPLICAS", "1");
        }
        for (int i = 1; i <= topology.invalidators(); i++) {
            Map<String, String> instanceEnv = new HashMap<>(invalidatorEnv);
            // Instances of one application in one JVM: each its own state directory, as each pod has its own.
            instanceEnv.put("INVALIDATOR_STATE_DIR", stateDir.resolve("instance-" + i).toString());
            String name = topology.invalidators() == 1 ? "Invalidator (Kafka Streams)"
                    : "Invalidator " + i + " of " + topology.invalidators() + " (Kafka Streams)";
            invalidators.add(timed(progress, name, () -> {
                InvalidatorApp app = register(InvalidatorApp.start(InvalidatorConfig.fromEnv(instanceEnv)));
                awaitRunning(app);
                return app;
            }, app -> "RUNNING, health on http://127.0.0.1:" + app.httpPort() + "/health/ready"));
        }
        if (invalidators.size() > 1) {
            // Each newcomer made the group rebalance: wait until every instance runs with its share of the partitions.
            invalidators.forEach(DemoStack::awaitRunning);
        }
        Map<String, String> auditorEnv = new HashMap<>(invalidatorEnv); // the same Kafka, registry and Redis
        auditorEnv.put("AUDITOR_HTTP_PORT", "0");
        auditorEnv.put("AUDITOR_GROUP_ID", "cachesync-demo-auditor-" + UUID.randomUUID().toString().substring(0, 8));
        auditor = timed(progress, "Consistency auditor", () -> register(AuditorApp.start(AuditorConfig.fromEnv(auditorEnv))),
                app -> "checks every change 2 s after it, http://127.0.0.1:" + app.httpPort() + "/metrics");
        awaitConsuming(auditor); // it starts at the topic's end: a change made before it consumes is never checked

        Map<String, String> catalogEnv = new HashMap<>();
        catalogEnv.put("PORT", "0");
        catalogEnv.put("CATALOG_MANAGEMENT_PORT", "0");
        catalogEnv.put("CATALOG_AUTH_API_KEYS", adminKey.entry());
        // A database of its own per stack, so a test JVM's catalog never sees another one's rows.
        catalogEnv.put("JDBC_URL", "jdbc:h2:mem:demo-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        catalogEnv.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers());
        catalogEnv.put("SCHEMA_REGISTRY_URL", registry.url());
        catalogEnv.put("CACHE_CONTROL", s.cacheControl());
        catalogEnv.put("OUTBOX_POLL_INTERVAL_MS", "100");
        catalog = timed(progress, "Catalog service (H2, outbox relay)", () -> {
            CatalogApp app = register(CatalogApp.start(CatalogConfig.fromEnv(catalogEnv)));
            return app;
        }, app -> "http://127.0.0.1:" + app.port() + "/");

        watcher = register(InvalidationWatcher.start(invalidatorEnv));
        admin = new CatalogAdmin(catalogUri(), adminKey.key());
        timed(progress, "Seeding " + s.products() + " products", () -> {
            CatalogSeed.seed(admin, s.products(), s.categories(), s.brands());
            // Their CREATED events purge category and brand tags: let the invalidator finish before measuring.
            try {
                if (!watcher.awaitAllApplied(admin.latestVersions(), Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the invalidator did not apply the seed events within 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while seeding", e);
            }
            return s.products();
        }, n -> s.categories() + " categories, " + s.brands() + " brands; every CREATED event applied by the invalidator");

        proxy = timed(progress, "Delaying proxy in front of the catalog",
                () -> DelayingProxy.start(catalogUri(), s.originLatency()),
                p -> p.uri() + " (+" + s.originLatency().toMillis() + " ms per call)");
        register(proxy);
    }

    /** The JVM's shared cluster has three brokers; another size is started privately ({@link Infrastructure#PRIVATE}). */
    private static KafkaCluster sharedKafkaCluster(Topology topology) {
        if (topology.brokers() != 3) {
            throw new IllegalArgumentException("the shared devstack Kafka cluster has 3 brokers, not "
                    + topology.brokers());
        }
        return DevStack.kafkaCluster();
    }

    /**
     * The Redis variables every process of this stack reads (cache-client's {@link RedisSettings}): the server's
     * host and port, or the cluster's nodes and segment count; and the key prefix.
     */
    public Map<String, String> redisEnv() {
        Map<String, String> env = new HashMap<>();
        if (redisCluster != null) {
            env.put("REDIS_CLUSTER_NODES", String.join(",", redisCluster.nodes().stream()
                    .map(n -> n.host() + ":" + n.port()).toList()));
            env.put("REDIS_CLUSTER_SEGMENTS", Integer.toString(Segments.DEFAULT_CLUSTER_SEGMENTS));
        } else {
            env.put("REDIS_HOST", redis.host());
            env.put("REDIS_PORT", Integer.toString(redis.port()));
        }
        env.put("REDIS_KEY_PREFIX", settings.keyPrefix());
        return env;
    }

    /** Redis as the order services are configured for it: {@link #redisEnv()} read by cache-client. */
    public RedisSettings redisSettings() {
        return RedisSettings.from(redisEnv());
    }

    /** Every broker's address (one broker's, or the cluster's). */
    public String kafkaBootstrapServers() {
        return kafkaCluster != null ? kafkaCluster.bootstrapServers() : kafka.bootstrapServers();
    }

    /** Remembers a started part for {@link #close}; if the stack was closed meanwhile (Ctrl-C), stops it now. */
    private synchronized <T extends AutoCloseable> T register(T part) {
        if (closed) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
            throw new IllegalStateException("the demo was stopped while starting");
        }
        started.push(part);
        return part;
    }

    private static <T> T timed(Progress progress, String what, Supplier<T> start,
                               java.util.function.Function<T, String> describe) {
        long t0 = System.nanoTime();
        T part = start.get();
        progress.step(what, describe.apply(part), Duration.ofNanos(System.nanoTime() - t0));
        return part;
    }

    private static void awaitRunning(InvalidatorApp app) {
        awaitStartUp(() -> {
            if (app.state() == KafkaStreams.State.ERROR || app.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("the invalidator failed to start: streams " + app.state());
            }
            return app.state() == KafkaStreams.State.RUNNING;
        }, () -> "the invalidator is not RUNNING after 60 s: streams " + app.state());
    }

    private static void awaitConsuming(AuditorApp app) {
        awaitStartUp(app::consuming, () -> "the consistency auditor has no partitions after 60 s");
    }

    /** Polls a start-up state (nothing to wait on) for at most 60 s. */
    private static void awaitStartUp(BooleanSupplier done, Supplier<String> whyNot) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(whyNot.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("cachesync-demo-invalidator");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temp dir: " + e.getMessage(), e);
        }
    }

    /** The broker; null when the topology has a Kafka cluster ({@link #kafkaCluster()}). */
    public KafkaBroker kafka() {
        return kafka;
    }

    /** The Kafka cluster; null when the topology has one broker ({@link #kafka()}). */
    public KafkaCluster kafkaCluster() {
        return kafkaCluster;
    }

    /** The standalone Redis; null when the topology has a Redis Cluster ({@link #redisCluster()}). */
    public RedisServer redis() {
        return redis;
    }

    /** The Redis Cluster; null when the topology has a standalone Redis ({@link #redis()}). */
    public RedisCluster redisCluster() {
        return redisCluster;
    }

    public SchemaRegistry registry() {
        return registry;
    }

    /** The first invalidator instance (the only one unless the topology has more). */
    public InvalidatorApp invalidator() {
        return invalidators.get(0);
    }

    /** Every invalidator instance, in the order they started. */
    public List<InvalidatorApp> invalidators() {
        return List.copyOf(invalidators);
    }

    public AuditorApp auditor() {
        return auditor;
    }

    public CatalogApp catalog() {
        return catalog;
    }

    public DelayingProxy proxy() {
        return proxy;
    }

    public InvalidationWatcher watcher() {
        return watcher;
    }

    public CatalogAdmin admin() {
        return admin;
    }

    public Settings settings() {
        return settings;
    }

    /** The catalog itself (no added latency): {@code http://127.0.0.1:port/}. */
    public URI catalogUri() {
        return URI.create("http://127.0.0.1:" + catalog.port() + "/");
    }

    /** The catalog's health and metrics: {@code http://127.0.0.1:managementPort/}. */
    public URI catalogManagementUri() {
        return URI.create("http://127.0.0.1:" + catalog.managementPort() + "/");
    }

    /** The bearer key that may write to the catalog (for the curl examples of {@code --keep-running}). */
    public String catalogAdminKey() {
        return adminKey.key();
    }

    public URI invalidatorUri() {
        return URI.create("http://127.0.0.1:" + invalidator().httpPort() + "/");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
        if (stateDir != null) {
            deleteQuietly(stateDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", dir, e.toString());
        }
    }
}
