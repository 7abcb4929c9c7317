package dev.cachesync.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.catalog.app.CatalogApp;
import dev.cachesync.catalog.app.CatalogConfig;
import dev.cachesync.catalog.app.Database;
import dev.cachesync.catalog.auth.ApiKeys;
import dev.cachesync.catalog.auth.Scopes;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.Product;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.events.ProductEventType;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    static final int INSTANCES = 4;
    static final int CHANGES = 200;
    static final int BACKLOG_EVENTS = 20_000;
    static final int BACKLOG_PRODUCTS = 2_000;

    record Outcome(String latencyTable, String throughputTable) {
    }

    Outcome run() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(); RedisServer redis = RedisServer.start();
             SchemaRegistry registry = SchemaRegistry.start()) {
            String latency = endToEndLatency(kafka, redis, registry);
            String throughput = backlogThroughput(kafka, redis, registry);
            return new Outcome(latency, throughput);
        }
    }

    private String endToEndLatency(KafkaBroker kafka, RedisServer redis, SchemaRegistry registry) throws Exception {
        String prefix = "bench-e2e:";
        List<AutoCloseable> resources = new ArrayList<>();
        ApiKeys.MintedKey writer = ApiKeys.mint("bench-writer", Scopes.WRITE);
        try (CatalogApp catalog = CatalogApp.start(CatalogConfig.fromEnv(Map.of(
                "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0", "CATALOG_AUTH_API_KEYS", writer.entry(),
                "JDBC_URL", Database.DEFAULT_H2_URL.replace("mem:catalog", "mem:bench-" + UUID.randomUUID()),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "CACHE_CONTROL", "public, max-age=300")));
             InvalidatorApp invalidator = startInvalidator(kafka, redis, registry, prefix, "bench-e2e", "5")) {
            URI base = URI.create("http://127.0.0.1:" + catalog.port());
            HttpClient http = HttpClient.newHttpClient();
            send(http, HttpRequest.newBuilder(base.resolve("/products/bench-1"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + writer.key())
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"Bench\",\"priceCents\":100,\"categorySlug\":\"bench\"}")));
            List<CachingHttpClient> instances = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                Config config = new Config();
                config.useSingleServer().setAddress(redis.uri());
                RedissonClient redisson = Redisson.create(config);
                resources.add(redisson::shutdown);
                CachingHttpClient client = CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix)
                        .origin(base).nearCache(true).build();
                resources.add(client);
                instances.add(client);
            }
            long[] millis = new long[CHANGES];
            long[] firstMicros = new long[CHANGES];
            for (int change = 0; change < CHANGES; change++) {
                int price = 1000 + change;
                for (CachingHttpClient client : instances) {
                    client.get("/products/bench-1"); // every instance holds the current body in its near cache
                }
                send(http, HttpRequest.newBuilder(base.resolve("/products/bench-1"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + writer.key())
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"priceCents\":" + price + "}")));
                long committed = System.nanoTime();
                String expected = "\"priceCents\":" + price;
                long slowest = 0;
                long first = Long.MAX_VALUE;
                for (CachingHttpClient client : instances) {
                    long deadline = committed + TimeUnit.SECONDS.toNanos(30);
                    while (!client.get("/products/bench-1").bodyAsString().contains(expected)) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("change " + change + " never reached an instance");
                        }
                        Thread.onSpinWait();
                    }
                    long seen = System.nanoTime() - committed;
                    slowest = Math.max(slowest, seen);
                    first = Math.min(first, seen);
                }
                millis[change] = TimeUnit.NANOSECONDS.toMicros(slowest);
                firstMicros[change] = TimeUnit.NANOSECONDS.toMicros(first);
            }
            Arrays.sort(millis);
            Arrays.sort(firstMicros);
            var lag = invalidator.meters().get("cachesync.invalidator.lag").timer();
            return String.format("| every instance fresh | %.1f ms | %.1f ms | %.1f ms |%n"
                            + "| first instance fresh | %.1f ms | %.1f ms | %.1f ms |%n"
                            + "| commit -> purge acknowledged (invalidator lag metric) | mean %.1f ms | | %.1f ms |%n",
                    millis[CHANGES / 2] / 1000.0, millis[(int) (CHANGES * 0.99)] / 1000.0, millis[CHANGES - 1] / 1000.0,
                    firstMicros[CHANGES / 2] / 1000.0, firstMicros[(int) (CHANGES * 0.99)] / 1000.0,
                    firstMicros[CHANGES - 1] / 1000.0,
                    lag.mean(TimeUnit.MILLISECONDS), lag.max(TimeUnit.MILLISECONDS));
        } finally {
            for (AutoCloseable resource : resources) {
                resource.close();
            }
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
                long version = ++versions[product];
                Product after = Product.newBuilder().setId(id).setName(id).setPriceCents(100 + version)
                        .setCurrency("EUR").setStock(1).setCategorySlug("cat-" + (product % 50)).setBrandSlug(null)
                        .setVersion(version).setUpdatedAt(Instant.now()).build();
                ProductEvent event = ProductEvent.newBuilder().setEventId(UUID.randomUUID().toString())
                        .setOccurredAt(Instant.now()).setProductId(id).setVersion(version)
                        .setType(ProductEventType.UPDATED).setBefore(after).setAfter(after)
                        .setTags(List.of("product:" + id, "category:" + after.getCategorySlug()))
                        .setSource("benchmark").build();
                producer.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, id, event));
            }
            producer.flush();
        }
        StringBuilder rows = new StringBuilder();
        for (String linger : List.of("0", "5")) {
            String name = "bench-backlog-" + (linger.equals("0") ? "unbatched" : "batched");
            try (InvalidatorApp app = startInvalidator(kafka, redis, registry, name + ":", name, linger)) {
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
                                                   String prefix, String applicationId, String lingerMs) throws Exception {
        InvalidatorApp app = InvalidatorApp.start(InvalidatorConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port()),
                "REDIS_KEY_PREFIX", prefix,
                "INVALIDATOR_APPLICATION_ID", applicationId + "-" + UUID.randomUUID(),
                "INVALIDATOR_HTTP_PORT", "0",
                "INVALIDATOR_BATCH_LINGER_MS", lingerMs,
                "INVALIDATOR_STATE_DIR", Files.createTempDirectory("bench-invalidator").toString())));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (app.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("invalidator did not start: " + app.state());
            }
            Thread.sleep(20);
        }
        return app;
    }

    private static void send(HttpClient http, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("catalog answered " + response.statusCode() + ": " + response.body());
        }
    }

    static String toMarkdown(Outcome outcome) {
        return "## End-to-end invalidation latency\n\n"
                + "From the catalog's answer to a PATCH (the change and its outbox row committed) until every "
                + "cache-client instance serves the new body (each held the old one in its near cache): outbox relay "
                + "-> Kafka -> invalidator (linger 5 ms) -> Redis purge -> Redisson invalidation message.\n\n"
                + CHANGES + " changes of one product, " + INSTANCES + " cache-client instances (separate Redisson "
                + "clients, near caches on), the instances polled one after the other after each change.\n\n"
                + "| measure | p50 | p99 | max |\n|---|---|---|---|\n" + outcome.latencyTable()
                + "\n## Invalidator throughput on a backlog\n\n"
                + BACKLOG_EVENTS + " ProductEvents for " + BACKLOG_PRODUCTS + " products (10 versions each) waiting in "
                + "the topic (3 partitions); one invalidator instance (1 stream thread) drains them, measured from "
                + "RUNNING to the last event taken. Same process, same broker and Redis, one mode after the other.\n\n"
                + "| batching | events | time | throughput | purges | events per purge |\n|---|---|---|---|---|---|\n"
                + outcome.throughputTable();
    }
}
