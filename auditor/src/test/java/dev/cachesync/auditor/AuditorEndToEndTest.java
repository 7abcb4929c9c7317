package dev.cachesync.auditor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import dev.cachesync.auditor.runtime.AuditorApp;
import dev.cachesync.auditor.runtime.AuditorConfig;
import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.tags.CatalogTags;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.Promtool;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.Product;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.events.ProductEventType;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The auditor on the real stack: devstack's broker and schema registry, a real redis-server, entries written by a
 * real cache-client from a catalog-like origin. One auditor for the class; each test waits for the checks it
 * caused and compares the counters with what they were before.
 */
class AuditorEndToEndTest {
    private static KafkaBroker kafka;
    private static SchemaRegistry registry;
    private static RedisServer redis;
    private static Catalog catalog;
    private static RedissonClient redisson;
    private static CachingHttpClient reader;
    private static AuditorApp auditor;
    private static final String PREFIX = "auditor-" + UUID.randomUUID() + ":";

    @BeforeAll
    static void startStack() throws IOException {
        kafka = DevStack.kafka();
        registry = DevStack.schemaRegistry();
        redis = DevStack.redis();
        kafka.createTopic(Topics.PRODUCT_EVENTS, 3);
        catalog = new Catalog();
        Config config = new Config();
        config.useSingleServer().setAddress(redis.uri());
        redisson = Redisson.create(config);
        reader = CachingHttpClient.builder().redisson(redisson).keyPrefix(PREFIX).origin(catalog.uri())
                .sweepInterval(Duration.ZERO).redisTimeout(Duration.ofSeconds(5)).build();
        auditor = AuditorApp.start(AuditorConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "REDIS_HOST", redis.host(),
                "REDIS_PORT", String.valueOf(redis.port()),
                "REDIS_KEY_PREFIX", PREFIX,
                "AUDITOR_GROUP_ID", "auditor-test-" + UUID.randomUUID(),
                "AUDITOR_HTTP_PORT", "0",
                "AUDITOR_GRACE_MS", "300",
                // earliest: a new group reads every event, so none published while it joins is missed
                "AUDITOR_START_AT", "earliest")));
        await().atMost(Duration.ofSeconds(60)).until(auditor::consuming);
    }

    @AfterAll
    static void stopEverything() {
        if (auditor != null) {
            auditor.close();
        }
        if (reader != null) {
            reader.close();
        }
        if (redisson != null) {
            redisson.shutdown();
        }
        if (catalog != null) {
            catalog.close();
        }
    }

    @BeforeEach
    void earlierChecksAreDone() {
        await().atMost(Duration.ofSeconds(30)).until(() -> pending() == 0);
    }

    @Test
    void anEntryTheInvalidationMissedIsCountedStale() {
        String product = id("missed");
        catalog.put(product, 1);
        assertThat(reader.get("/products/" + product).bodyAsString()).contains("\"version\":1");
        awaitStored(product);
        double staleBefore = checks("stale");
        double consistentBefore = checks("consistent");

        // The catalog changes and announces it, but no purge runs: the shared cache keeps version 1.
        catalog.put(product, 2);
        publish(event(product, 2, ProductEventType.UPDATED));

        await().atMost(Duration.ofSeconds(30)).until(() -> checks("stale") > staleBefore);
        assertThat(checks("stale")).isEqualTo(staleBefore + 1);
        assertThat(checks("consistent")).isEqualTo(consistentBefore);
        assertThat(reader.get("/products/" + product).bodyAsString()).as("really stale").contains("\"version\":1");
    }

    @Test
    void anEntryPurgedAndFilledAgainIsCountedConsistent() {
        String product = id("purged");
        catalog.put(product, 1);
        reader.get("/products/" + product);
        awaitStored(product);
        double staleBefore = checks("stale");
        double consistentBefore = checks("consistent");

        // What the invalidator does for the change (the same TagPurger call), then a reader fills version 2.
        catalog.put(product, 2);
        reader.purger().purge(List.of(CatalogTags.product(product)), List.of());
        var refilled = reader.get("/products/" + product);
        assertThat(refilled.source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(refilled.bodyAsString()).contains("\"version\":2");
        awaitStored(product);
        publish(event(product, 2, ProductEventType.UPDATED));

        await().atMost(Duration.ofSeconds(30)).until(() -> checks("consistent") > consistentBefore);
        await().atMost(Duration.ofSeconds(30)).until(() -> pending() == 0);
        assertThat(checks("consistent")).isEqualTo(consistentBefore + 1);
        assertThat(checks("stale")).isEqualTo(staleBefore);
    }

    @Test
    void aStoredNotFoundIsStaleAfterTheProductWasCreated() {
        String product = id("created");
        assertThat(reader.get("/products/" + product).status()).isEqualTo(404); // cacheable, tagged product:{id}
        awaitStored(product);
        double staleBefore = checks("stale");

        catalog.put(product, 1);
        publish(event(product, 1, ProductEventType.CREATED)); // not purged: the 404 stays

        await().atMost(Duration.ofSeconds(30)).until(() -> checks("stale") > staleBefore);
        assertThat(checks("stale")).isEqualTo(staleBefore + 1);
    }

    @Test
    void healthAndMetricsAnswerAndPassPromtool() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + auditor.httpPort();
        await().atMost(Duration.ofSeconds(30)).until(() -> get(http, base + "/health/ready").statusCode() == 200);
        assertThat(get(http, base + "/health/live").statusCode()).isEqualTo(200);
        assertThat(get(http, base + "/nowhere").statusCode()).isEqualTo(404);

        // At least one check in the window, so the nines are a number.
        String product = id("metrics");
        catalog.put(product, 1);
        reader.get("/products/" + product);
        awaitStored(product);
        double before = checks("consistent");
        publish(event(product, 1, ProductEventType.CREATED));
        await().atMost(Duration.ofSeconds(30)).until(() -> checks("consistent") > before);

        String metrics = get(http, base + "/metrics").body();
        assertThat(metrics)
                .contains("cachesync_consistency_checks_total{result=\"consistent\"}")
                .contains("cachesync_consistency_checks_total{result=\"stale\"}")
                .containsPattern("cachesync_consistency_nines \\d+\\.\\d+")
                .contains("cachesync_auditor_events_total{outcome=\"checked\"}")
                .contains("cachesync_auditor_pending_checks");
        assertThat(Promtool.checkMetrics(metrics)).as("promtool check metrics").isEmpty();
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** The reader stored the product's page in Redis (a read that timed out on a loaded machine stores nothing). */
    private static void awaitStored(String product) {
        var manager = dev.cachesync.cache.manager.CacheManager.create(redisson, PREFIX);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (manager.entry(catalog.uri() + "/products/" + product).isPresent()) {
                return true;
            }
            reader.get("/products/" + product);
            return false;
        });
    }

    private static double checks(String result) {
        var counter = auditor.meters().find("cachesync.consistency.checks").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double pending() {
        return auditor.meters().get("cachesync.auditor.pending.checks").gauge().value();
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String id(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ProductEvent event(String id, long version, ProductEventType type) {
        Product after = type == ProductEventType.DELETED ? null : Product.newBuilder().setId(id).setName("Product " + id)
                .setPriceCents(100 * version).setCurrency("EUR").setStock(1).setCategorySlug("shoes")
                .setVersion(version).setUpdatedAt(Instant.now()).build();
        return ProductEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now())
                .setProductId(id).setVersion(version).setType(type).setBefore(null).setAfter(after)
                .setTags(List.of(CatalogTags.product(id), CatalogTags.category("shoes"))).setSource("test").build();
    }

    private static void publish(ProductEvent event) {
        try (KafkaProducer<String, ProductEvent> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), AvroSerdes.serde(ProductEvent.class, registry.url()).serializer())) {
            producer.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, event.getProductId(), event)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not publish " + event.getEventId(), e);
        }
    }

    /**
     * Answers like the catalog API: {@code GET /products/{id}} is the product as JSON with its version and the
     * strong ETag {@code "<version>"}, tagged {@code product:{id}}; an unknown id is a cacheable 404 with the same tag.
     */
    static final class Catalog implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, Long> versions = new ConcurrentHashMap<>();

        Catalog() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/products/", exchange -> {
                String id = exchange.getRequestURI().getPath().substring("/products/".length());
                Long version = versions.get(id);
                byte[] body = (version == null ? "{\"status\":404,\"error\":\"not_found\"}"
                        : "{\"id\":\"" + id + "\",\"name\":\"Product " + id + "\",\"version\":" + version + "}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Cache-Control", "public, max-age=300");
                exchange.getResponseHeaders().set("Cache-Tags", CatalogTags.product(id));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                if (version != null) {
                    exchange.getResponseHeaders().set("ETag", "\"" + version + "\"");
                }
                exchange.sendResponseHeaders(version == null ? 404 : 200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        void put(String id, long version) {
            versions.put(id, version);
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
