package dev.cachesync.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachedHttpResponse;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.tags.CatalogTags;
import dev.cachesync.catalog.app.CatalogApp;
import dev.cachesync.catalog.app.CatalogConfig;
import dev.cachesync.catalog.app.Database;
import dev.cachesync.catalog.auth.ApiKeys;
import dev.cachesync.catalog.auth.Scopes;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.RedisWire;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.devstack.TopicContents;
import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.InvalidationHops;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import dev.cachesync.schemas.HopHeaders;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The invalidation pipeline, measured:
 * <ol>
 * <li>end-to-end latency: a PATCH committed at the catalog -> outbox relay -> Kafka -> invalidator -> Redis purge
 * and near-cache invalidation -> no cache-client instance serves the old body any more (p50/p99 over many
 * changes, several instances with near caches);</li>
 * <li>the invalidator's sustained events/s on a backlog, with micro-batching on (5 ms / 500 events) and off,
 * in the same process.</li>
 * </ol>
 */
final class InvalidationBenchmark {
    /** The ten; {@code -Dbench.instances=1} shows what the pipeline costs without the others' CPU. */
    static final int INSTANCES = Integer.getInteger("bench.instances", 10);
    static final int CHANGES = 200;
    /**
     * Unmeasured changes first, in every setup. 100 left the JVM cold (2026-12-02, AMD EPYC: the JIT compilers took
     * 40% of the machine and the p50 was 40-44 ms, against 15-27 ms after 1,500-4,000 changes). Every component
     * shares this one JVM, so the JIT never falls quiet (still 20-50% of a core after 4,000 changes, recompiling
     * what it had deoptimised): the report says how busy it was while measuring.
     */
    static final int WARMUP_CHANGES = Integer.getInteger("bench.warmup", 2_000);
    static final int BACKLOG_EVENTS = 20_000;
    static final int BACKLOG_PRODUCTS = 2_000;
    /**
     * How long the freshness poll of one instance pauses between two reads (the sampling interval). Reading every
     * 200 us all along measured lower than waiting for a message on the instance's channel first (2026-12-02,
     * quiet machine, the same code: p50 21 against 30 ms), so the watchers poll.
     */
    static final long POLL_PAUSE_NANOS = 200_000;
    static final String POSTGRES = System.getenv().getOrDefault("CATALOG_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    /**
     * One way of running the pipeline.
     *
     * @param postgres       the catalog on PostgreSQL with its relay in a second catalog process (woken by NOTIFY);
     *                       else on in-memory H2 with the relay in the API's process (woken in process)
     * @param invalidatorEnv the invalidator's settings beyond the defaults
     */
    record Setup(String name, boolean postgres, Map<String, String> invalidatorEnv) {
    }

    /**
     * The setups measured, one after the other in the same run: main's settings first. {@code -Dbench.setups=after}
     * (or {@code before}) runs only the setups whose name starts with it, e.g. to alternate two builds of the
     * production setup back to back.
     */
    static List<Setup> setups() {
        String only = System.getProperty("bench.setups", "");
        return allSetups().stream().filter(s -> s.name().startsWith(only)).toList();
    }

    private static List<Setup> allSetups() {
        return List.of(
                new Setup("before: H2, relay in the API's process, invalidator linger 5 ms (main's defaults)", false,
                        Map.of("INVALIDATOR_BATCH_LINGER_MS", "5")),
                new Setup("after: PostgreSQL, relay in another process woken by NOTIFY, invalidator defaults", true,
                        settingsFrom(System.getProperty("bench.after", ""))));
    }

    /** {@code NAME=value,NAME=value}: settings to try without a rebuild. */
    private static Map<String, String> settingsFrom(String list) {
        Map<String, String> settings = new java.util.HashMap<>();
        for (String pair : list.split(",")) {
            if (pair.contains("=")) {
                settings.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1).trim());
            }
        }
        return settings;
    }

    record Outcome(String latencyTable, String hopTable, String fillWaits, String jvmActivity, String throughputTable) {
    }

    Outcome run() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(); RedisServer redis = RedisServer.start();
             SchemaRegistry registry = SchemaRegistry.start()) {
            StringBuilder latency = new StringBuilder();
            StringBuilder hops = new StringBuilder();
            StringBuilder waits = new StringBuilder();
            StringBuilder jvm = new StringBuilder();
            int run = 0;
            for (Setup setup : setups()) {
                Measured measured = endToEndLatency(kafka, redis, registry, setup, "bench-" + (++run));
                latency.append(measured.latencyRows());
                hops.append(measured.hopRows());
                waits.append(measured.fillWaits());
                jvm.append(measured.jvm());
                System.out.print(measured.latencyRows() + measured.hopRows());
            }
            String throughput = Boolean.getBoolean("bench.latencyOnly") ? "" : backlogThroughput(kafka, redis, registry);
            return new Outcome(latency.toString(), hops.toString(), waits.toString(), jvm.toString(), throughput);
        }
    }

    record Measured(String latencyRows, String hopRows, String fillWaits, String jvm) {
    }

    private static double count(io.micrometer.core.instrument.MeterRegistry meters, String name) {
        return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    /**
     * What one change took, in epoch microseconds from the catalog's commit to every instance serving it.
     *
     * @param droppedMicros    when the first instance's read went past its near cache (it began after the purge's
     *                         message dropped the near copy; sampled every poll)
     * @param firstFreshMicros when the first instance served the new body (the one that filled from the catalog)
     * @param freshMicros      when the last of them did
     */
    record Change(long committedMicros, long answeredMicros, long droppedMicros, long firstFreshMicros,
                  long freshMicros) {
    }

    private Measured endToEndLatency(KafkaBroker kafka, RedisServer redis, SchemaRegistry registry, Setup setup,
                                     String product) throws Exception {
        String prefix = product + ":";
        List<AutoCloseable> resources = new ArrayList<>();
        ApiKeys.MintedKey writer = ApiKeys.mint("bench-writer", Scopes.WRITE);
        BenchDatabase database = setup.postgres() ? BenchDatabase.postgres() : BenchDatabase.h2();
        resources.add(database);
        Map<String, String> catalogEnv = new java.util.HashMap<>(Map.of(
                "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0", "CATALOG_AUTH_API_KEYS", writer.entry(),
                "JDBC_URL", database.url(),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "CACHE_CONTROL", "public, max-age=300"));
        try (InvalidatorApp invalidator = startInvalidator(kafka, redis, registry, prefix, "bench-e2e",
                setup.invalidatorEnv())) {
            CatalogApp catalog;
            if (setup.postgres()) {
                // The API commits; a second catalog process (relay only, in practice another pod) publishes.
                catalogEnv.put("OUTBOX_RELAY_ENABLED", "false");
                catalog = CatalogApp.start(CatalogConfig.fromEnv(catalogEnv));
                resources.add(catalog);
                catalogEnv.put("OUTBOX_RELAY_ENABLED", "true");
                resources.add(CatalogApp.start(CatalogConfig.fromEnv(catalogEnv)));
            } else {
                catalog = CatalogApp.start(CatalogConfig.fromEnv(catalogEnv));
                resources.add(catalog);
            }
            URI base = URI.create("http://127.0.0.1:" + catalog.port());
            String path = "/products/" + product;
            HttpClient http = HttpClient.newHttpClient();
            send(http, HttpRequest.newBuilder(base.resolve(path))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + writer.key())
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"Bench\",\"priceCents\":100,\"categorySlug\":\"bench\"}")));
            List<CachingHttpClient> instances = new ArrayList<>();
            // one registry for the ten instances: their counters (same names and prefix) add up. Only with
            // -Dbench.fillWaits=true: recording every read's meters cost about 3 ms of the p50 (2026-12-02).
            var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            boolean countFillWaits = Boolean.getBoolean("bench.fillWaits");
            for (int i = 0; i < INSTANCES; i++) {
                Config config = new Config();
                config.useSingleServer().setAddress(redis.uri());
                RedissonClient redisson = Redisson.create(config);
                resources.add(redisson::shutdown);
                var builder = CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix).origin(base)
                        .nearCache(true);
                CachingHttpClient client = (countFillWaits ? builder.meterRegistry(meters) : builder).build();
                resources.add(client);
                instances.add(client);
            }
            java.util.concurrent.ExecutorService pollers = java.util.concurrent.Executors.newFixedThreadPool(INSTANCES);
            resources.add(pollers::shutdownNow);
            int[] price = {1000};
            Callable<Change> oneChange = () -> change(instances, pollers, http, base, path, writer, ++price[0]);
            String warmUp = warmUp(oneChange);
            JvmActivity measuring = JvmActivity.begin();
            RedisWire.send(redis.host(), redis.port(), Duration.ofSeconds(5), "CONFIG", "RESETSTAT");
            List<Change> changes = new ArrayList<>();
            for (int change = 0; change < CHANGES; change++) {
                changes.add(oneChange.call());
            }
            String during = warmUp + "; the " + CHANGES + " measured ones: " + measuring.end() + "; " + redisCalls(redis);
            System.out.println(setup.name() + ": " + during);
            Map<Long, InvalidationApplied> applied = appliedByCommit(kafka, registry, product, changes);
            String waits = !countFillWaits ? "" : String.format("- %s: %.0f waits for another instance's fill, %.0f of them woken by its "
                    + "published end (`cache.fill.lock.waits`, `cache.fill.lock.wakeups`)%n", setup.name(),
                    count(meters, "cache.fill.lock.waits"), count(meters, "cache.fill.lock.wakeups"));
            System.out.print(waits);
            return new Measured(latencyRows(setup, changes), hopRows(setup, changes, applied), waits,
                    "- " + setup.name() + ": " + during + "\n");
        } finally {
            java.util.Collections.reverse(resources);
            for (AutoCloseable resource : resources) {
                resource.close();
            }
        }
    }

    /** The unmeasured changes; says how many and what the JIT and the GC did during them. */
    private static String warmUp(Callable<Change> oneChange) throws Exception {
        JvmActivity warming = JvmActivity.begin();
        for (int change = 0; change < WARMUP_CHANGES; change++) {
            oneChange.call();
        }
        return WARMUP_CHANGES + " unmeasured changes first (" + warming.end() + ")";
    }

    /**
     * One change of the product to {@code price}, every instance holding the old body in its near cache first;
     * returns when every instance served the new one.
     */
    private static Change change(List<CachingHttpClient> instances, java.util.concurrent.ExecutorService pollers,
                                 HttpClient http, URI base, String path, ApiKeys.MintedKey writer, int price)
            throws Exception {
        for (CachingHttpClient client : instances) {
            client.get(path); // every instance holds the current body in its near cache
        }
        String answer = send(http, HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + writer.key())
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"priceCents\":" + price + "}")));
        long answered = nowMicros();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        byte[] expected = ("\"priceCents\":" + price).getBytes(StandardCharsets.UTF_8);
        // Each instance watched on a thread of its own, as separate services would notice on their own:
        // reading them one after the other would add nine Redis reads in sequence to the measure.
        List<java.util.concurrent.Future<long[]>> fresh = new ArrayList<>();
        for (CachingHttpClient client : instances) {
            fresh.add(pollers.submit(() -> {
                long dropped = 0; // when this instance's first read past its near cache began
                while (true) {
                    long began = nowMicros();
                    CachedHttpResponse response = client.get(path);
                    if (dropped == 0 && response.source() != CacheSource.LOCAL) {
                        dropped = began;
                    }
                    if (contains(response.body(), expected)) {
                        return new long[] {dropped == 0 ? began : dropped, nowMicros()};
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("a change never reached an instance");
                    }
                    // A sampling interval, not synchronisation: spinning would take the machine's two
                    // cores from the pipeline being measured.
                    java.util.concurrent.locks.LockSupport.parkNanos(POLL_PAUSE_NANOS);
                }
            }));
        }
        long firstDropped = Long.MAX_VALUE;
        long firstFresh = Long.MAX_VALUE;
        long everyInstance = 0;
        for (var f : fresh) {
            long[] seen = f.get();
            firstDropped = Math.min(firstDropped, seen[0]);
            firstFresh = Math.min(firstFresh, seen[1]);
            everyInstance = Math.max(everyInstance, seen[1]);
        }
        return new Change(updatedAtMicros(answer), answered, firstDropped, firstFresh, everyInstance);
    }

    /**
     * The Redis commands sent per measured change, by the instances, the invalidator and the watchers together:
     * scripts (reads, lock takes, fills, the purge) and plain GETs (a waiter's read of a fill lock). Redis counts the
     * commands a script runs too, so only these two are round trips of their own.
     */
    private static String redisCalls(RedisServer redis) throws java.io.IOException {
        String stats = RedisWire.send(redis.host(), redis.port(), Duration.ofSeconds(5), "INFO", "commandstats");
        return String.format("Redis: %.1f scripts and %.1f GETs per change", calls(stats, "evalsha") / CHANGES,
                calls(stats, "get") / CHANGES);
    }

    private static double calls(String commandStats, String command) {
        var m = java.util.regex.Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(commandStats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Whether {@code body} holds {@code part}; no String per read (the watchers read thousands of times a second). */
    private static boolean contains(byte[] body, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= body.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (body[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Each change's InvalidationApplied, by the commit time of its event (one change at a time, so one each). */
    private static Map<Long, InvalidationApplied> appliedByCommit(KafkaBroker kafka, SchemaRegistry registry,
                                                                  String product, List<Change> changes) {
        java.util.Set<Long> commits = new java.util.HashSet<>();
        changes.forEach(c -> commits.add(c.committedMicros()));
        Map<Long, InvalidationApplied> byCommit = new java.util.HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (byCommit.size() < changes.size() && System.nanoTime() < deadline) {
            for (var record : TopicContents.readAll(kafka.bootstrapServers(), Topics.INVALIDATIONS_APPLIED,
                    new StringDeserializer(), AvroSerdes.serde(InvalidationApplied.class, registry.url()).deserializer())) {
                InvalidationApplied value = record.value();
                if (!value.getTags().contains(CatalogTags.product(product))) {
                    continue;
                }
                for (InvalidationHops hops : value.getHops()) {
                    if (commits.contains(hops.getCommittedAtMicros())) {
                        byCommit.put(hops.getCommittedAtMicros(), value);
                    }
                }
            }
        }
        return byCommit;
    }

    private static String latencyRows(Setup setup, List<Change> changes) {
        long[] fromCommit = changes.stream().mapToLong(c -> c.freshMicros() - c.committedMicros()).sorted().toArray();
        long[] fromAnswer = changes.stream().mapToLong(c -> c.freshMicros() - c.answeredMicros()).sorted().toArray();
        return row(setup.name() + ": commit -> every instance fresh", fromCommit)
                + row(setup.name() + ": catalog's answer -> every instance fresh", fromAnswer);
    }

    private static String hopRows(Setup setup, List<Change> changes, Map<Long, InvalidationApplied> applied) {
        List<long[]> hops = new ArrayList<>(); // per change: the five segments, in microseconds
        for (Change change : changes) {
            InvalidationApplied purge = applied.get(change.committedMicros());
            if (purge == null) {
                continue;
            }
            InvalidationHops h = purge.getHops().stream()
                    .filter(x -> x.getCommittedAtMicros() == change.committedMicros()).findFirst().orElseThrow();
            if (h.getRelaySentAtMicros() == null || h.getKafkaAppendedAtMicros() == null) {
                continue;
            }
            long acknowledged = purge.getPurgeAcknowledgedAtMicros();
            hops.add(new long[] {h.getRelaySentAtMicros() - h.getCommittedAtMicros(),
                    h.getKafkaAppendedAtMicros() - h.getRelaySentAtMicros(),
                    h.getReceivedAtMicros() - h.getKafkaAppendedAtMicros(),
                    acknowledged - h.getReceivedAtMicros(),
                    change.freshMicros() - acknowledged,
                    change.droppedMicros() - acknowledged,
                    change.firstFreshMicros() - change.droppedMicros(),
                    change.freshMicros() - change.firstFreshMicros()});
        }
        String[] names = {"commit -> relay send", "relay send -> Kafka append", "Kafka append -> invalidator receive",
                "invalidator receive -> purge acknowledged", "purge acknowledged -> every instance fresh",
                // the last hop, split: the message dropping a near copy, the first instance's fill, the others
                "(of which) purge acknowledged -> a first read past a near cache",
                "(of which) that read -> the first instance fresh", "(of which) the first -> the last instance fresh"};
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            int hop = i;
            rows.append(row(setup.name() + ": " + names[i] + " (" + hops.size() + " changes)",
                    hops.stream().mapToLong(x -> x[hop]).sorted().toArray()));
        }
        return rows.toString();
    }

    private static String row(String measure, long[] sortedMicros) {
        if (sortedMicros.length == 0) {
            return "| " + measure + " | | | |\n";
        }
        return String.format("| %s | %.1f ms | %.1f ms | %.1f ms |%n", measure,
                sortedMicros[sortedMicros.length / 2] / 1000.0,
                sortedMicros[(int) (sortedMicros.length * 0.99)] / 1000.0,
                sortedMicros[sortedMicros.length - 1] / 1000.0);
    }

    private static long nowMicros() {
        return HopHeaders.micros(Instant.now());
    }

    /** The product's updatedAt in a catalog answer: its change's commit time (the event's occurredAt). */
    private static long updatedAtMicros(String productJson) {
        var m = java.util.regex.Pattern.compile("\"updatedAt\"\\s*:\\s*\"([^\"]+)\"").matcher(productJson);
        if (!m.find()) {
            throw new IllegalStateException("no updatedAt in " + productJson);
        }
        return HopHeaders.micros(Instant.parse(m.group(1)));
    }

    /** The catalog's database: in-memory H2, or a fresh database on the PostgreSQL server, dropped after. */
    record BenchDatabase(String url, Runnable drop) implements AutoCloseable {
        static BenchDatabase h2() {
            return new BenchDatabase(Database.DEFAULT_H2_URL.replace("mem:catalog", "mem:bench-" + UUID.randomUUID()),
                    () -> { });
        }

        static BenchDatabase postgres() {
            String name = "catalog_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            execute(POSTGRES, "CREATE DATABASE " + name);
            int query = POSTGRES.indexOf('?');
            String base = query < 0 ? POSTGRES : POSTGRES.substring(0, query);
            String url = base.substring(0, base.lastIndexOf('/') + 1) + name + (query < 0 ? "" : POSTGRES.substring(query));
            return new BenchDatabase(url, () -> execute(POSTGRES, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
        }

        private static void execute(String url, String sql) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                 java.sql.Statement st = c.createStatement()) {
                st.execute(sql);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot run '" + sql + "': " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            drop.run();
        }
    }

    private String backlogThroughput(KafkaBroker kafka, RedisServer redis, SchemaRegistry registry) throws Exception {
        try (KafkaProducer<String, ProductEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), AvroSerdes.serde(ProductEvent.class, registry.url()).serializer())) {
            long[] versions = new long[BACKLOG_PRODUCTS];
            for (int i = 0; i < BACKLOG_EVENTS; i++) {
                int product = i % BACKLOG_PRODUCTS;
                String id = "backlog-" + product;
                ProductEvent event = BacklogEvents.update("backlog-", product, ++versions[product]);
                producer.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, id, event));
            }
            producer.flush();
        }
        StringBuilder rows = new StringBuilder();
        for (String linger : List.of("0", "5")) {
            String name = "bench-backlog-" + (linger.equals("0") ? "unbatched" : "batched");
            try (InvalidatorApp app = startInvalidator(kafka, redis, registry, name + ":", name,
                    Map.of("INVALIDATOR_BATCH_LINGER_MS", linger))) {
                long start = System.nanoTime();
                long deadline = start + TimeUnit.MINUTES.toNanos(10);
                while (eventsTaken(app) < BACKLOG_EVENTS) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(name + " did not drain the backlog");
                    }
                    Thread.sleep(20); // sampling interval of the measurement, not synchronisation
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double purges = app.meters().get("cachesync.invalidator.purges").counter().count();
                rows.append(String.format("| %s | %d | %.1f s | %,.0f events/s | %,.0f | %.1f |%n",
                        linger.equals("0") ? "off (purge per event)" : "on (linger 5 ms, max 500)", BACKLOG_EVENTS,
                        seconds, BACKLOG_EVENTS / seconds, purges, BACKLOG_EVENTS / Math.max(1, purges)));
            }
        }
        return rows.toString();
    }

    private static double eventsTaken(InvalidatorApp app) {
        return app.meters().find("cachesync.invalidator.events").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static InvalidatorApp startInvalidator(KafkaBroker kafka, RedisServer redis, SchemaRegistry registry,
                                                   String prefix, String applicationId,
                                                   Map<String, String> settings) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(settings);
        env.putAll(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port()),
                "REDIS_KEY_PREFIX", prefix,
                "INVALIDATOR_APPLICATION_ID", applicationId + "-" + UUID.randomUUID(),
                "INVALIDATOR_HTTP_PORT", "0",
                "INVALIDATOR_STATE_DIR", Files.createTempDirectory("bench-invalidator").toString()));
        InvalidatorApp app = InvalidatorApp.start(InvalidatorConfig.fromEnv(env));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (app.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("invalidator did not start: " + app.state());
            }
            Thread.sleep(20);
        }
        return app;
    }

    private static String send(HttpClient http, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("catalog answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static String toMarkdown(Outcome outcome) {
        return "## End-to-end invalidation latency\n\n"
                + "From the change's commit (its `updatedAt`, the event's `occurredAt`, whole milliseconds) until every "
                + "cache-client instance serves the new body (each held the old one in its near cache): outbox relay "
                + "-> Kafka -> invalidator -> Redis purge -> Redisson invalidation message -> a read from Redis (the "
                + "first instance fills from the catalog). Also from the catalog's answer to the PATCH, the measure of "
                + "earlier runs.\n\n"
                + CHANGES + " changes of one product, one at a time, after " + WARMUP_CHANGES + " unmeasured ones, " + INSTANCES + (INSTANCES == 1 ? " cache-client instance " : " cache-client instances ")
                + "(separate Redisson clients, near caches on), each watched by a thread of its own (until 2026-12-02 "
                + "they were polled one after the other, which added their reads up), a read every "
                + POLL_PAUSE_NANOS / 1000 + " us while it serves the old body. Everything (broker, registry client, Redis, catalog, relay, invalidator, "
                + "instances) shares this machine.\n\n"
                + "| measure | p50 | p99 | max |\n|---|---|---|---|\n" + outcome.latencyTable()
                + "\nWhat the JVM did on its own (all of the above share one heap and its GC pauses):\n\n" + outcome.jvmActivity()
                + "\n## Where the time goes: per hop\n\n"
                + "From each change's `InvalidationApplied` (the timestamps it carries since v2): commit (ms), relay "
                + "send (header), Kafka append (LogAppendTime, ms), invalidator receive, purge acknowledged; the last "
                + "hop ends when the benchmark saw every instance fresh. Percentiles per hop do not add up to the "
                + "end-to-end ones. Append times are whole milliseconds, so the two hops around it are +-1 ms each.\n\n"
                + "| hop | p50 | p99 | max |\n|---|---|---|---|\n" + outcome.hopTable()
                + (outcome.fillWaits().isEmpty() ? "" : "\nAfter each purge one instance refills the product from the "
                        + "catalog; the others wait for its fill:\n\n" + outcome.fillWaits())
                + "\n## Invalidator throughput on a backlog\n\n"
                + BACKLOG_EVENTS + " ProductEvents for " + BACKLOG_PRODUCTS + " products (10 versions each) waiting in "
                + "the topic (3 partitions); one invalidator instance (1 stream thread) drains them, measured from "
                + "RUNNING to the last event taken. Same process, same broker and Redis, one mode after the other.\n\n"
                + "| batching | events | time | throughput | purges | events per purge |\n|---|---|---|---|---|---|\n"
                + outcome.throughputTable();
    }
}
