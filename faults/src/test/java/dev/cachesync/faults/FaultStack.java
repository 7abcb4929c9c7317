package dev.cachesync.faults;

import dev.cachesync.catalog.app.CatalogApp;
import dev.cachesync.catalog.app.CatalogConfig;
import dev.cachesync.catalog.auth.ApiKeys;
import dev.cachesync.catalog.auth.Scopes;
import dev.cachesync.demo.orders.CachesyncOrderService;
import dev.cachesync.demo.stack.CatalogAdmin;
import dev.cachesync.demo.stack.CatalogSeed;
import dev.cachesync.devstack.KafkaBroker;
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
 * The real stack the suite breaks, all of it private to the run: a Kafka broker (in this JVM), a persistent
 * redis-server, the schema registry (child JVM), the invalidator (child JVM), the catalog service (H2, outbox
 * relay) with seeded products, and several order-service instances (each its own Redisson client and near cache).
 *
 * <p>Catalog responses say {@code max-age=3600}: within a run only an invalidation makes a cached product fresh
 * again, so a lost invalidation shows as an old version that stays, not one that expires.
 */
final class FaultStack implements AutoCloseable {
    static final String KEY_PREFIX = "faults:";
    static final String CACHE_CONTROL = "public, max-age=3600";
    private static final int TOPIC_PARTITIONS = 3;

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final ApiKeys.MintedKey writerKey = ApiKeys.mint("fault-suite-writer", Scopes.WRITE);
    private KafkaBroker kafka;
    private RedisServer redis;
    private SchemaRegistry registry;
    private InvalidatorProcess invalidator;
    private CatalogApp catalog;
    private CatalogAdmin admin;
    private final List<CachesyncOrderService> readers = new ArrayList<>();
    private final List<String> probes = probeProducts(TOPIC_PARTITIONS);

    static FaultStack start(int products, int readerCount, Consumer<String> progress) {
        FaultStack stack = new FaultStack();
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
        redis = keep(RedisServer.startPersistent());
        progress.accept("Redis (appendonly, appendfsync always) on " + redis.uri() + " (" + redis.kind() + ")");
        registry = keep(registryStart.join());
        progress.accept("schema registry on " + registry.url());

        Path work = tempDir("cachesync-faults");
        AutoCloseable removeWork = () -> deleteRecursively(work);
        keep(removeWork);
        int httpPort = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("REDIS_HOST", redis.host());
        env.put("REDIS_PORT", Integer.toString(redis.port()));
        env.put("REDIS_KEY_PREFIX", KEY_PREFIX);
        env.put("INVALIDATOR_HTTP_PORT", Integer.toString(httpPort));
        env.put("INVALIDATOR_TOPIC_PARTITIONS", Integer.toString(TOPIC_PARTITIONS));
        env.put("INVALIDATOR_STATE_DIR", work.resolve("state").toString());
        // A SIGKILLed invalidator's partitions wait for its session to expire: 10 s here instead of Kafka's 45 s.
        env.put("INVALIDATOR_SESSION_TIMEOUT_MS", "10000");
        env.put("INVALIDATOR_APPLICATION_ID", "cachesync-faults-" + UUID.randomUUID().toString().substring(0, 8));
        Path invalidatorLog = Path.of("target", "invalidator.log").toAbsolutePath();
        deleteQuietly(invalidatorLog); // this run's starts only
        invalidator = keep(new InvalidatorProcess(env, invalidatorLog, httpPort));
        invalidator.start(Duration.ofSeconds(120));
        progress.accept("invalidator (own JVM) ready on http://127.0.0.1:" + httpPort + "/health/ready");

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
            readers.add(keep(new CachesyncOrderService("order-" + i, redis.uri(), KEY_PREFIX, catalogUri())));
        }
        progress.accept(readerCount + " order-service instances (own Redisson client and near cache each)");
    }

    KafkaBroker kafka() {
        return kafka;
    }

    RedisServer redis() {
        return redis;
    }

    SchemaRegistry registry() {
        return registry;
    }

    InvalidatorProcess invalidator() {
        return invalidator;
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
