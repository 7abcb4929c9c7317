package dev.cachesync.faults;

import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.cache.store.Segments;
import dev.cachesync.catalog.app.CatalogApp;
import dev.cachesync.catalog.app.CatalogConfig;
import dev.cachesync.catalog.auth.ApiKeys;
import dev.cachesync.catalog.auth.Scopes;
import dev.cachesync.demo.orders.CachesyncOrderService;
import dev.cachesync.demo.stack.CatalogAdmin;
import dev.cachesync.demo.stack.CatalogSeed;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.RedisCluster;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.SchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Utils;

/**
 * The real stack the suite breaks, all of it private to the run: a Kafka broker (in this JVM), Redis (a persistent
 * redis-server, or a Redis Cluster of 3 primaries and 3 replicas), the schema registry (child JVM), one or more
 * invalidators (child JVMs sharing one application id), the catalog service (H2, outbox relay) with seeded products,
 * and several order-service instances (each its own Redisson client and near cache).
 *
 * <p>Catalog responses say {@code max-age=3600}: within a run only an invalidation makes a cached product fresh
 * again, so a lost invalidation shows as an old version that stays, not one that expires.
 */
final class FaultStack implements AutoCloseable {
    static final String KEY_PREFIX = "faults:";
    static final String CACHE_CONTROL = "public, max-age=3600";

    /**
     * How the stack is laid out.
     *
     * @param partitions     partitions of the product-events topic (and the command topic)
     * @param invalidators   invalidator instances sharing them (one consumer group)
     * @param sessionTimeout the invalidators' consumer session timeout: how long a SIGKILLed instance's partitions
     *                       wait before the group gives them to another member
     */
    record Options(RedisLayout redis, int partitions, int invalidators, Duration sessionTimeout) {
        /** The fault suite's: one invalidator, 3 partitions, a 10 s session (instead of Kafka's 45 s). */
        static Options suite(RedisLayout redis) {
            return new Options(redis, 3, 1, Duration.ofSeconds(10));
        }
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final ApiKeys.MintedKey writerKey = ApiKeys.mint("fault-suite-writer", Scopes.WRITE);
    private final Options options;
    private final String applicationId = "cachesync-faults-" + UUID.randomUUID().toString().substring(0, 8);
    private KafkaBroker kafka;
    private RedisServer redis;
    private RedisCluster redisCluster;
    private RedisSettings redisSettings;
    private SchemaRegistry registry;
    private final List<InvalidatorProcess> invalidators = new ArrayList<>();
    private CatalogApp catalog;
    private CatalogAdmin admin;
    private final List<CachesyncOrderService> readers = new ArrayList<>();
    private final List<String> probes;

    private FaultStack(Options options) {
        this.options = options;
        this.probes = probeProducts(options.partitions());
    }

    static FaultStack start(int products, int readerCount, Options options, Consumer<String> progress) {
        FaultStack stack = new FaultStack(options);
        try {
            stack.startAll(products, readerCount, progress);
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(int products, int readerCount, Consumer<String> progress) {
        CompletableFuture<SchemaRegistry> registryStart = CompletableFuture.supplyAsync(SchemaRegistry::start);
        kafka = keep(KafkaBroker.start());
        progress.accept("Kafka broker on " + kafka.bootstrapServers());
        Map<String, String> env = new HashMap<>();
        if (options.redis() == RedisLayout.CLUSTER) {
            redisCluster = keep(RedisCluster.start());
            List<String> nodes = redisCluster.nodes().stream().map(n -> n.host() + ":" + n.port()).toList();
            redisSettings = new RedisSettings("127.0.0.1", 6379, KEY_PREFIX, false)
                    .withCluster(nodes, Segments.DEFAULT_CLUSTER_SEGMENTS);
            env.put("REDIS_CLUSTER_NODES", String.join(",", nodes));
            // A purge a primary acknowledged but its replica had not received would be lost when the replica is
            // promoted: the invalidator waits for one replica (cache-client README, docs/protocol.md).
            env.put("INVALIDATOR_REDIS_WAIT_REPLICAS", "1");
            progress.accept("Redis Cluster (3 primaries, 3 replicas, " + redisSettings.clusterSegments()
                    + " segments) on " + nodes);
        } else {
            redis = keep(RedisServer.startPersistent());
            redisSettings = new RedisSettings(redis.host(), redis.port(), KEY_PREFIX, false);
            env.put("REDIS_HOST", redis.host());
            env.put("REDIS_PORT", Integer.toString(redis.port()));
            progress.accept("Redis (appendonly, appendfsync always) on " + redis.uri() + " (" + redis.kind() + ")");
        }
        registry = keep(registryStart.join());
        progress.accept("schema registry on " + registry.url());

        Path work = tempDir("cachesync-faults");
        AutoCloseable removeWork = () -> deleteRecursively(work);
        keep(removeWork);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("REDIS_KEY_PREFIX", KEY_PREFIX);
        env.put("INVALIDATOR_TOPIC_PARTITIONS", Integer.toString(options.partitions()));
        // A SIGKILLed invalidator's partitions wait for its session to expire: shorter here than Kafka's 45 s.
        env.put("INVALIDATOR_SESSION_TIMEOUT_MS", Long.toString(options.sessionTimeout().toMillis()));
        env.put("INVALIDATOR_APPLICATION_ID", applicationId);
        for (int i = 1; i <= options.invalidators(); i++) {
            int httpPort = freePort();
            Map<String, String> instance = new HashMap<>(env);
            instance.put("INVALIDATOR_HTTP_PORT", Integer.toString(httpPort));
            instance.put("INVALIDATOR_STATE_DIR", work.resolve("state-" + i).toString());
            Path log = Path.of("target", i == 1 ? "invalidator.log" : "invalidator-" + i + ".log").toAbsolutePath();
            deleteQuietly(log); // this run's starts only
            InvalidatorProcess invalidator = keep(new InvalidatorProcess(instance, log, httpPort));
            invalidators.add(invalidator);
            // one after the other: the first creates the topics
            invalidator.start(Duration.ofSeconds(120));
            progress.accept("invalidator " + i + " (own JVM) ready on http://127.0.0.1:" + httpPort + "/health/ready");
        }

        Map<String, String> catalogEnv = new HashMap<>();
        catalogEnv.put("PORT", "0");
        catalogEnv.put("CATALOG_MANAGEMENT_PORT", "0");
        catalogEnv.put("CATALOG_AUTH_API_KEYS", writerKey.entry());
        catalogEnv.put("JDBC_URL", "jdbc:h2:mem:faults-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        catalogEnv.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        catalogEnv.put("SCHEMA_REGISTRY_URL", registry.url());
        catalogEnv.put("CACHE_CONTROL", CACHE_CONTROL);
        catalogEnv.put("OUTBOX_POLL_INTERVAL_MS", "100");
        catalog = keep(CatalogApp.start(CatalogConfig.fromEnv(catalogEnv)));
        admin = new CatalogAdmin(catalogUri(), writerKey.key());
        CatalogSeed.seed(admin, products, 5, 5);
        for (int i = 0; i < probes.size(); i++) {
            admin.put(probes.get(i), CatalogSeed.product(products + 1 + i, 5, 5));
        }
        progress.accept("catalog on " + catalogUri() + ", " + products + " products seeded");

        for (int i = 1; i <= readerCount; i++) {
            readers.add(keep(new CachesyncOrderService("order-" + i, redisSettings, catalogUri())));
        }
        progress.accept(readerCount + " order-service instances (own Redisson client and near cache each)");
    }

    Options options() {
        return options;
    }

    KafkaBroker kafka() {
        return kafka;
    }

    /** The standalone redis-server (null on the cluster layout). */
    RedisServer redis() {
        return redis;
    }

    /** The shared cache's Redis as the readers are configured with it (cluster nodes and segments, or host and port). */
    RedisSettings redisSettings() {
        return redisSettings;
    }

    /** The Redis Cluster (null on the standalone layout). */
    RedisCluster redisCluster() {
        return redisCluster;
    }

    SchemaRegistry registry() {
        return registry;
    }

    /** The first invalidator (the only one in the fault suite). */
    InvalidatorProcess invalidator() {
        return invalidators.get(0);
    }

    /** Every invalidator instance, in the order they started. */
    List<InvalidatorProcess> invalidators() {
        return List.copyOf(invalidators);
    }

    /** The invalidators' application id: their consumer group. */
    String applicationId() {
        return applicationId;
    }

    CatalogAdmin admin() {
        return admin;
    }

    /**
     * Products only the fault injector reads and writes, one on each partition of the product-events topic (the
     * relay keys events by product id; Kafka's default partitioner hashes the key): their changes show that
     * invalidations flow again on every partition.
     */
    List<String> probes() {
        return probes;
    }

    private static List<String> probeProducts(int partitions) {
        String[] byPartition = new String[partitions];
        int found = 0;
        for (int n = 1; found < partitions; n++) {
            String id = "fault-probe-" + n;
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
            if (byPartition[partition] == null) {
                byPartition[partition] = id;
                found++;
            }
        }
        return List.of(byPartition);
    }

    List<CachesyncOrderService> readers() {
        return List.copyOf(readers);
    }

    URI catalogUri() {
        return URI.create("http://127.0.0.1:" + catalog.port() + "/");
    }

    private <T extends AutoCloseable> T keep(T part) {
        started.push(part);
        return part;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("faults: stopping " + part.getClass().getSimpleName() + " failed: " + e);
            }
        }
    }

    private static Path tempDir(String name) {
        try {
            return Files.createTempDirectory(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // appended to, then
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
