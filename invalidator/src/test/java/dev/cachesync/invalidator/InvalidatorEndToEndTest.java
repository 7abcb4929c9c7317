package dev.cachesync.invalidator;

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
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpServer;
import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.Promtool;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.RedisWire;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.invalidator.apply.InvalidationSink;
import dev.cachesync.invalidator.apply.RedisInvalidationSink;
import dev.cachesync.invalidator.heal.RedisHealer;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** The invalidator as it runs in production, on a real broker, registry and Redis, with real cache-client instances. */
class InvalidatorEndToEndTest {
    private static KafkaBroker kafka;
    private static SchemaRegistry registry;
    private static Origin origin;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void startStack() throws IOException {
        kafka = DevStack.kafka();
        registry = DevStack.schemaRegistry();
        origin = new Origin();
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    @AfterEach
    void closeEverything() throws Exception {
        java.util.Collections.reverse(cleanup);
        for (AutoCloseable closeable : cleanup) {
            closeable.close();
        }
    }

    @Test
    void anEventDropsTheTaggedEntriesFromRedisAndFromTheNearCacheOfEveryInstance() {
        RedisServer redis = DevStack.redis();
        String prefix = "e2e-" + UUID.randomUUID() + ":";
        String changed = id("shoe");
        String untouched = id("hat");
        origin.put(changed, "shoes", "v1");
        origin.put(untouched, "hats", "v1");
        startInvalidator(redis, prefix, "e2e-" + UUID.randomUUID());
        CachingHttpClient first = client(redis, prefix);
        CachingHttpClient second = client(redis, prefix);
        for (CachingHttpClient client : List.of(first, second)) {
            client.get("/products/" + changed);
            client.get("/products/" + untouched);
            assertThat(client.get("/products/" + changed).source()).isEqualTo(CacheSource.LOCAL);
        }
        assertThat(origin.requests(changed)).isEqualTo(1);

        origin.put(changed, "shoes", "v2");
        String eventId = publish(event(changed, 2, "shoes"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(first.get("/products/" + changed).bodyAsString()).contains("v2");
            assertThat(second.get("/products/" + changed).bodyAsString()).contains("v2");
        });
        assertThat(applied(eventId)).isNotNull();
        // The other product's entry was not purged: still served from the cache, never fetched again. (LOCAL
        // or REDIS: a near cache may lose entries for reasons of its own, e.g. Redisson clears it when its
        // invalidation channel is re-subscribed; that costs a Redis read, never freshness.)
        for (CachingHttpClient client : List.of(first, second)) {
            var other = client.get("/products/" + untouched);
            assertThat(other.source()).isIn(CacheSource.LOCAL, CacheSource.REDIS);
            assertThat(other.bodyAsString()).contains("v1");
        }
        assertThat(origin.requests(untouched)).isEqualTo(1);
    }

    @Test
    void purgesWaitForRedisAndAreAllAppliedWhenItComesBack() {
        RedisServer redis = DevStack.stopAtExit(RedisServer.start());
        String prefix = "outage-" + UUID.randomUUID() + ":";
        InvalidatorApp app = startInvalidator(redis, prefix, "outage-" + UUID.randomUUID());
        redis.stop();

        List<String> products = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String product = id("outage");
            products.add(product);
            eventIds.add(publish(event(product, 1, "shoes")));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> retries(app) > 0);
        redis.restart();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String eventId : eventIds) {
                assertThat(applied(eventId)).as("applied purge for event %s", eventId).isNotNull();
            }
        });
        // The purges reached the Redis that came back: each product's fence is set there.
        RedissonClient check = redisson(redis);
        Map<String, String> fences = check.<String, String>getMap(new KeyLayout(prefix).fences(), StringCodec.INSTANCE)
                .readAllMap();
        for (String product : products) {
            assertThat(fences).containsKey("product:" + product);
        }
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheNextEventIsStillApplied() {
        startInvalidator(DevStack.redis(), "dlq-" + UUID.randomUUID() + ":", "dlq-" + UUID.randomUUID());
        String poisonKey = "poison-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            // Magic byte 7: not the wire format, so no registry answer can ever make it decode. (An unknown schema
            // id is not poison at once: it is retried for INVALIDATOR_UNKNOWN_SCHEMA_WINDOW_MS first.)
            raw.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, poisonKey, new byte[] {7, 0, 0, 0, 42, 1}))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        String goodEvent = publish(event(id("after-poison"), 1, "shoes"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(applied(goodEvent)).isNotNull());
        ConsumerRecord<String, byte[]> dead = deadLetter(poisonKey);
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("undecodable");
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.PRODUCT_EVENTS);
        assertThat(dead.value()).containsExactly(7, 0, 0, 0, 42, 1);
    }

    @Test
    void anInvalidatorRestartedMidStreamLosesNothing() throws Exception {
        String prefix = "restart-" + UUID.randomUUID() + ":";
        String applicationId = "restart-" + UUID.randomUUID();
        InvalidatorApp first = startInvalidator(DevStack.redis(), prefix, applicationId);
        List<String> eventIds = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch tenPublished = new java.util.concurrent.CountDownLatch(10);
        Thread publisher = new Thread(() -> {
            for (int i = 0; i < 40; i++) {
                eventIds.add(publish(event(id("stream"), 1, "shoes")));
                tenPublished.countDown();
            }
        }, "event-publisher");
        publisher.start();

        // Stop the first instance while events keep arriving, then start its replacement.
        assertThat(tenPublished.await(30, TimeUnit.SECONDS)).isTrue();
        first.close();
        InvalidatorApp second = startInvalidator(DevStack.redis(), prefix, applicationId);
        publisher.join(TimeUnit.SECONDS.toMillis(60));

        assertThat(eventIds).hasSize(40);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String eventId : List.copyOf(eventIds)) {
                assertThat(applied(eventId)).as("applied purge for event %s", eventId).isNotNull();
            }
        });
        assertThat(second.state().isRunningOrRebalancing()).isTrue();
    }

    @Test
    void twoInstancesShareThePartitionsAndTogetherApplyEveryEvent() {
        String prefix = "shared-" + UUID.randomUUID() + ":";
        String applicationId = "shared-" + UUID.randomUUID();
        InvalidatorApp first = startInvalidator(DevStack.redis(), prefix, applicationId);
        InvalidatorApp second = startInvalidator(DevStack.redis(), prefix, applicationId);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                first.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING
                        && second.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);

        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            eventIds.add(publish(event(id("shared"), 1, "shoes")));
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String eventId : eventIds) {
                assertThat(applied(eventId)).as("applied purge for event %s", eventId).isNotNull();
            }
        });
        // Both took part: the input partitions were split between them.
        assertThat(purges(first)).isPositive();
        assertThat(purges(second)).isPositive();
    }

    @Test
    void theCommandLinePurgeIsAuditedAppliedAndListed() {
        Cached cached = cachedProduct("cli", "scarves");
        CachingHttpClient client = cached.client();
        String product = cached.product();
        assertThat(client.get("/products/" + product).source()).isEqualTo(CacheSource.LOCAL);

        java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
        var cli = new dev.cachesync.invalidator.cli.InvalidatorCli(kafka.bootstrapServers(), registry.url(),
                new java.io.PrintStream(output, true, StandardCharsets.UTF_8));
        assertThat(cli.run("purge", "--tag", "category:scarves", "--reason", "scarf prices fixed", "--by", "ops")).isZero();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(client.get("/products/" + product).source()).isEqualTo(CacheSource.ORIGIN));
        output.reset();
        cli.run("recent", "--limit", "50");
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("category:scarves");
    }

    @Test
    void healthAndMetricsEndpointsAnswerForKubernetes() throws Exception {
        InvalidatorApp app = startInvalidator(DevStack.redis(), "health-" + UUID.randomUUID() + ":", "health-" + UUID.randomUUID());
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + app.httpPort();
        await().atMost(Duration.ofSeconds(30)).until(() -> status(http, base + "/health/ready") == 200);
        assertThat(status(http, base + "/health/live")).isEqualTo(200);
        String product = id("metrics");
        publish(event(product, 2, "shoes"));
        publish(event(product, 1, "shoes")); // older than the one seen: out of order
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, product, null)).get(30, TimeUnit.SECONDS); // tombstone
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scrape(http, base))
                .contains("cachesync_invalidator_purges_total")
                .contains("cachesync_invalidator_lag_seconds_bucket")
                .contains("outcome=\"out-of-order\"")
                .contains("outcome=\"dead-lettered\"")
                .contains("cachesync_invalidator_dead_letters_total{reason=\"empty-record\"}"));

        // Prometheus' own parser and linter: help text on every metric, valid names and types.
        assertThat(Promtool.checkMetrics(scrape(http, base))).as("promtool check metrics").isEmpty();
    }

    private static String scrape(HttpClient http, String base) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aHangingRedisMakesTheInstanceNotReadyButStillLive() throws Exception {
        RedisServer redis = DevStack.stopAtExit(RedisServer.start());
        InvalidatorApp app = startInvalidator(redis, "hang-" + UUID.randomUUID() + ":", "hang-" + UUID.randomUUID());
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + app.httpPort();
        await().atMost(Duration.ofSeconds(30)).until(() -> status(http, base + "/health/ready") == 200);

        // Redis keeps its connections but answers nothing for 10 s.
        try (java.net.Socket socket = new java.net.Socket(redis.host(), redis.port())) {
            socket.getOutputStream().write("CLIENT PAUSE 10000\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("+OK");
        }
        assertThat(status(http, base + "/health/ready")).isEqualTo(503);
        assertThat(status(http, base + "/health/live")).isEqualTo(200);
    }

    @Test
    void aCommandWithEightThousandTagsIsApplied() {
        Cached cached = cachedProduct("big", "gloves");
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 7_999; i++) {
            tags.add("bulk:" + i);
        }
        tags.add("category:gloves");

        String commandId = publishCommand("big", tags);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(applied(commandId)).isNotNull());
        assertThat(cached.client().get("/products/" + cached.product()).source()).isEqualTo(CacheSource.ORIGIN);
    }

    @Test
    void aTagKeyOfTheWrongTypeDeadLettersOnlyItsCommandAndEverythingElseIsApplied() {
        RedisServer redis = DevStack.redis();
        String prefix = "wrongtype-" + UUID.randomUUID() + ":";
        InvalidatorApp app = startInvalidator(redis, prefix, "wrongtype-" + UUID.randomUUID());
        // Something else wrote a string where the tag set of "broken" lives: SUNION on it fails with WRONGTYPE.
        redisson(redis).getBucket(new KeyLayout(prefix).tagSet("broken"), StringCodec.INSTANCE).set("not a set");

        String recordKey = id("commands");
        String poisoned = publishCommand(recordKey, List.of("broken", "category:socks"));
        String next = publishCommand(recordKey, List.of("category:socks"));
        String event = publish(event(id("after-wrongtype"), 1, "shoes"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(applied(next)).isNotNull();
            assertThat(applied(event)).isNotNull();
        });
        ConsumerRecord<String, byte[]> dead = deadLetter(recordKey);
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("purge-failed");
        assertThat(header(dead, DeadLetters.DETAIL)).contains("WRONGTYPE");
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.INVALIDATION_COMMANDS);
        assertThat(applied(poisoned)).isNull();
        assertThat(app.meters().get("cachesync.invalidator.dead.letters").tag("reason", "purge-failed").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void aPurgeRedisKeepsRefusingTurnsReadinessRedUntilItIsApplied() throws Exception {
        RedisServer redis = DevStack.stopAtExit(RedisServer.start());
        InvalidatorApp app = startInvalidator(redis, "full-" + UUID.randomUUID() + ":", "full-" + UUID.randomUUID(),
                Map.of("INVALIDATOR_STUCK_AFTER_MS", "2000"));
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + app.httpPort();
        await().atMost(Duration.ofSeconds(30)).until(() -> status(http, base + "/health/ready") == 200);

        // Redis is full and evicts nothing: every purge is refused with OOM, while reads (the probe) still answer.
        redisCommand(redis, "CONFIG", "SET", "maxmemory-policy", "noeviction");
        redisCommand(redis, "CONFIG", "SET", "maxmemory", "1");
        String eventId = publish(event(id("full"), 1, "shoes"));

        await().atMost(Duration.ofSeconds(60)).until(() -> app.meters().find("cachesync.invalidator.purge.retries")
                .tag("class", "transient").counter() != null);
        await().atMost(Duration.ofSeconds(60)).until(() -> status(http, base + "/health/ready") == 503);
        assertThat(status(http, base + "/health/live")).isEqualTo(200);
        assertThat(body(http, base + "/health/ready")).contains("stuck");
        assertThat(body(http, base + "/metrics")).containsPattern(
                "cachesync_invalidator_oldest_unapplied_age_seconds(\\{[^}]*\\})? [2-9]");
        assertThat(applied(eventId)).as("refused purges are retried, not dead-lettered").isNull();

        redisCommand(redis, "CONFIG", "SET", "maxmemory", "0");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(applied(eventId)).isNotNull());
        await().atMost(Duration.ofSeconds(30)).until(() -> status(http, base + "/health/ready") == 200);
    }

    @Test
    void purgesLostByARedisRestartFromAnOlderSnapshotAreAppliedAgainFromKafka() throws Exception {
        RedisServer redis = DevStack.stopAtExit(RedisServer.start());
        String prefix = "heal-" + UUID.randomUUID() + ":";
        String product = id("lamp");
        origin.put(product, "lamps", "v1");
        InvalidatorApp app = startInvalidator(redis, prefix, "heal-" + UUID.randomUUID(),
                Map.of("INVALIDATOR_HEAL_CHECK_MS", "200"));
        CachingHttpClient reader = client(redis, prefix);
        // A first purge on the product's partition, so that Redis holds an applied offset when the snapshot is taken.
        String first = publish(event(product, 1, "lamps"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(applied(first)).isNotNull());
        assertThat(reader.get("/products/" + product).bodyAsString()).contains("v1");
        redisCommand(redis, "SAVE");

        origin.put(product, "lamps", "v2");
        String change = publish(event(product, 2, "lamps"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(applied(change)).isNotNull();
            assertThat(reader.get("/products/" + product).bodyAsString()).contains("v2");
        });
        // The acknowledged purge is lost: Redis restarts from the snapshot, which holds v1 and the older fences.
        redis.stop();
        redis.restart();
        long restarted = System.nanoTime();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(healedInvalidations(app)).isPositive();
            assertThat(reader.get("/products/" + product).bodyAsString()).contains("v2");
        });
        System.out.printf("Redis restarted from an older snapshot: healed from Kafka, v2 served again %d ms after the"
                + " restart%n", (System.nanoTime() - restarted) / 1_000_000);
        for (int i = 0; i < 20; i++) {
            assertThat(reader.get("/products/" + product).bodyAsString()).contains("v2");
        }
    }

    @Test
    void recordsWithoutAPurgeAtTheEndOfAPartitionAreRecordedAndNotTakenForLostPurges() throws Exception {
        RedisServer redis = DevStack.redis();
        String prefix = "no-heal-" + UUID.randomUUID() + ":";
        String applicationId = "no-heal-" + UUID.randomUUID();
        // The periodic check runs only at start here: this test runs the check itself, once the offsets are committed.
        InvalidatorApp app = startInvalidator(redis, prefix, applicationId, Map.of("INVALIDATOR_HEAL_CHECK_MS", "3600000"));
        ProductEvent change = event(id("desk"), 1, "desks");
        publish(change);
        String commandKey = "no-heal-" + UUID.randomUUID();
        String command = publishCommand(commandKey, List.of("category:desks"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(applied(change.getEventId())).isNotNull();
            assertThat(applied(command)).isNotNull();
        });

        // The last records of both partitions carry no purge: the same event again (a duplicate) and a poison command.
        RecordMetadata duplicate = send(Topics.PRODUCT_EVENTS, change.getProductId(),
                AvroSerdes.serde(ProductEvent.class, registry.url()).serializer().serialize(Topics.PRODUCT_EVENTS, change));
        RecordMetadata poison = send(Topics.INVALIDATION_COMMANDS, commandKey, new byte[] {7, 0, 0, 0, 42, 1});
        deadLetter(commandKey);
        Map<String, Long> lastOffsets = Map.of(
                RedisHealer.source(Topics.PRODUCT_EVENTS, duplicate.partition()), duplicate.offset(),
                RedisHealer.source(Topics.INVALIDATION_COMMANDS, poison.partition()), poison.offset());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        cleanup.add(admin);
        Supplier<Map<String, Long>> committed = () -> committedOffsets(admin, applicationId);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> lastOffsets.forEach((source, last) ->
                assertThat(committed.get()).containsEntry(source, last + 1)));

        // Redis holds what Kafka committed, minus one: the records without a purge were recorded with it.
        Map<String, String> held = redisson(redis).<String, String>getMap(new KeyLayout(prefix).appliedOffsets(),
                StringCodec.INSTANCE).readAllMap();
        lastOffsets.forEach((source, last) -> assertThat(held).containsEntry(source, String.valueOf(last)));
        // So the heal check finds nothing to re-read, counts no heal and clears no near cache.
        List<String> reread = new ArrayList<>();
        AtomicInteger nearCacheClears = new AtomicInteger();
        RedisInvalidationSink redisSink = new RedisInvalidationSink(redisson(redis), prefix, 0, Duration.ofSeconds(1));
        InvalidationSink sink = new InvalidationSink() {
            @Override
            public Purged purge(Set<String> tags, Set<String> keys) {
                return redisSink.purge(tags, keys);
            }

            @Override
            public boolean isAvailable() {
                return redisSink.isAvailable();
            }

            @Override
            public long recordApplied(String source, long offset, long expectedAtLeast) {
                return redisSink.recordApplied(source, offset, expectedAtLeast);
            }

            @Override
            public void clearNearCaches() {
                nearCacheClears.incrementAndGet();
                redisSink.clearNearCaches();
            }

            @Override
            public Map<String, Long> appliedOffsets() {
                return redisSink.appliedOffsets();
            }
        };
        io.micrometer.core.instrument.simple.SimpleMeterRegistry checkMeters =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        RedisHealer check = new RedisHealer(sink, (topic, partition, from, to) -> {
            reread.add(topic + "-" + partition + " " + from + ".." + to);
            return new RedisHealer.Reapplied(0, true);
        }, committed, 100_000, new InvalidatorMetrics(checkMeters), () -> true);

        check.healIfBehind();

        assertThat(reread).as("offsets re-read from Kafka").isEmpty();
        assertThat(nearCacheClears.get()).isZero();
        assertThat(checkMeters.find("cachesync.invalidator.heals").counter()).isNull();
        assertThat(app.meters().find("cachesync.invalidator.heals").counter()).isNull();
    }

    @Test
    void withWaitReplicasAnInvalidationWaitsUntilTheReplicaHoldsItsPurge() throws Exception {
        RedisServer primary = DevStack.stopAtExit(RedisServer.start());
        RedisServer replica = DevStack.stopAtExit(RedisServer.start());
        redisCommand(replica, "REPLICAOF", primary.host(), String.valueOf(primary.port()));
        String prefix = "wait-" + UUID.randomUUID() + ":";
        InvalidatorApp app = startInvalidator(primary, prefix, "wait-" + UUID.randomUUID(),
                Map.of("INVALIDATOR_REDIS_WAIT_REPLICAS", "1", "INVALIDATOR_STUCK_AFTER_MS", "2000"));
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + app.httpPort();
        publish(event(id("replicated"), 1, "shoes"));
        RedissonClient onReplica = redisson(replica);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                !onReplica.getMap(new KeyLayout(prefix).appliedOffsets(), StringCodec.INSTANCE).isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> status(http, base + "/health/ready") == 200);

        // Without its replica the primary still applies purges, but none is acknowledged as replicated.
        replica.stop();
        publish(event(id("unreplicated"), 1, "shoes"));
        await().atMost(Duration.ofSeconds(60)).until(() -> status(http, base + "/health/ready") == 503);
        assertThat(body(http, base + "/health/ready")).contains("stuck");

        replica.restart();
        redisCommand(replica, "REPLICAOF", primary.host(), String.valueOf(primary.port()));
        await().atMost(Duration.ofSeconds(60)).until(() -> status(http, base + "/health/ready") == 200);
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** A client that has {@code /products/{product}} (v1) cached. */
    private record Cached(CachingHttpClient client, String product) {
    }

    /** A fresh key prefix with an invalidator on it and a client that has one product of {@code category} cached. */
    private Cached cachedProduct(String kind, String category) {
        RedisServer redis = DevStack.redis();
        String prefix = kind + "-" + UUID.randomUUID() + ":";
        String product = id(kind);
        origin.put(product, category, "v1");
        startInvalidator(redis, prefix, kind + "-" + UUID.randomUUID());
        CachingHttpClient client = client(redis, prefix);
        client.get("/products/" + product);
        return new Cached(client, product);
    }

    private static double healedInvalidations(InvalidatorApp app) {
        var counter = app.meters().find("cachesync.invalidator.healed.invalidations").counter();
        return counter == null ? 0 : counter.count();
    }

    /** One command on a raw connection (CONFIG is for the test only: cachesync never sends it). */
    private static void redisCommand(RedisServer redis, String... words) throws IOException {
        assertThat(RedisWire.send(redis.host(), redis.port(), Duration.ofSeconds(30), words)).isEqualTo("OK");
    }

    private static String body(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Publishes a command under record key {@code recordKey} (one key, one partition); returns the command id. */
    private static String publishCommand(String recordKey, List<String> tags) {
        String commandId = recordKey + "-" + UUID.randomUUID();
        var command = InvalidatorTopologyTest.command(commandId, tags);
        try (KafkaProducer<String, dev.cachesync.events.InvalidationCommand> producer = new KafkaProducer<>(
                producerConfig(), new StringSerializer(),
                AvroSerdes.serde(dev.cachesync.events.InvalidationCommand.class, registry.url()).serializer())) {
            producer.send(new ProducerRecord<>(Topics.INVALIDATION_COMMANDS, recordKey, command)).get(30, TimeUnit.SECONDS);
            return commandId;
        } catch (Exception e) {
            throw new AssertionError("could not publish command " + commandId, e);
        }
    }

    private InvalidatorApp startInvalidator(RedisServer redis, String prefix, String applicationId) {
        return startInvalidator(redis, prefix, applicationId, Map.of());
    }

    private InvalidatorApp startInvalidator(RedisServer redis, String prefix, String applicationId,
                                            Map<String, String> moreEnv) {
        Map<String, String> env = new java.util.HashMap<>(moreEnv);
        env.putAll(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "REDIS_HOST", redis.host(),
                "REDIS_PORT", String.valueOf(redis.port()),
                "REDIS_KEY_PREFIX", prefix,
                "INVALIDATOR_APPLICATION_ID", applicationId,
                "INVALIDATOR_HTTP_PORT", "0",
                "INVALIDATOR_STATE_DIR", tempDir()));
        InvalidatorApp app = InvalidatorApp.start(InvalidatorConfig.fromEnv(env));
        cleanup.add(app);
        await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
        return app;
    }

    private CachingHttpClient client(RedisServer redis, String prefix) {
        CachingHttpClient client = CachingHttpClient.builder()
                .redisson(redisson(redis))
                .keyPrefix(prefix)
                .origin(origin.uri())
                .nearCache(true)
                .build();
        cleanup.add(client);
        return client;
    }

    private RedissonClient redisson(RedisServer redis) {
        Config config = new Config();
        config.useSingleServer().setAddress(redis.uri());
        RedissonClient client = Redisson.create(config);
        cleanup.add(client::shutdown);
        return client;
    }

    /** One record as it is: poison, or an event sent again unchanged. */
    private static RecordMetadata send(String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            return raw.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not send to " + topic, e);
        }
    }

    /** The group's committed offsets of the input topics, by "topic-partition" (as the invalidator reads them). */
    private static Map<String, Long> committedOffsets(Admin admin, String applicationId) {
        try {
            Map<String, Long> offsets = new java.util.HashMap<>();
            admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .forEach((tp, offset) -> {
                        if (offset != null) {
                            offsets.put(RedisHealer.source(tp.topic(), tp.partition()), offset.offset());
                        }
                    });
            return offsets;
        } catch (Exception e) {
            throw new AssertionError("could not read the committed offsets of " + applicationId, e);
        }
    }

    private static String publish(ProductEvent event) {
        try (KafkaProducer<String, ProductEvent> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                AvroSerdes.serde(ProductEvent.class, registry.url()).serializer())) {
            producer.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, event.getProductId(), event)).get(30, TimeUnit.SECONDS);
            return event.getEventId();
        } catch (Exception e) {
            throw new AssertionError("could not publish " + event.getEventId(), e);
        }
    }

    private static ProductEvent event(String productId, long version, String category) {
        return InvalidatorTopologyTest.event(productId, version, null,
                InvalidatorTopologyTest.product(productId, category, null),
                List.of("product:" + productId, "category:" + category));
    }

    private static Map<String, Object> producerConfig() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all");
    }

    /** Every InvalidationApplied record seen so far, by source event id. */
    private static final Map<String, InvalidationApplied> appliedBySource = new ConcurrentHashMap<>();
    private static KafkaConsumer<String, InvalidationApplied> appliedConsumer;

    private static synchronized InvalidationApplied applied(String eventId) {
        if (appliedConsumer == null) {
            appliedConsumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "applied-reader-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), AvroSerdes.serde(InvalidationApplied.class, registry.url()).deserializer());
            appliedConsumer.subscribe(List.of(Topics.INVALIDATIONS_APPLIED));
        }
        for (ConsumerRecord<String, InvalidationApplied> record : appliedConsumer.poll(Duration.ofMillis(200))) {
            record.value().getSourceEventIds().forEach(id -> appliedBySource.put(id, record.value()));
        }
        return appliedBySource.get(eventId);
    }

    private static ConsumerRecord<String, byte[]> deadLetter(String key) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS));
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static double purges(InvalidatorApp app) {
        return app.meters().get("cachesync.invalidator.purges").counter().count();
    }

    private static double retries(InvalidatorApp app) {
        return app.meters().find("cachesync.invalidator.purge.retries").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private static int status(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String id(String kind) {
        return kind + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("invalidator-state").toString();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A catalog origin: /products/{id} answers the product's current body with its tags. */
    static final class Origin implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, String[]> products = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

        Origin() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/products/", exchange -> {
                String id = exchange.getRequestURI().getPath().substring("/products/".length());
                requests.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                String[] product = products.get(id);
                byte[] body = product == null ? new byte[0]
                        : ("{\"id\":\"" + id + "\",\"body\":\"" + product[1] + "\"}").getBytes(StandardCharsets.UTF_8);
                if (product != null) {
                    exchange.getResponseHeaders().set("Cache-Control", "public, max-age=300");
                    exchange.getResponseHeaders().set("Cache-Tags", "product:" + id + ", category:" + product[0]);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                }
                exchange.sendResponseHeaders(product == null ? 404 : 200, body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        void put(String id, String category, String body) {
            products.put(id, new String[] {category, body});
        }

        int requests(String id) {
            return requests.getOrDefault(id, new AtomicInteger()).get();
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
