package dev.cachesync.invalidator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.cachesync.devstack.InMemorySchemaRegistry;
import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.InvalidationCommand;
import dev.cachesync.events.Product;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.events.ProductEventType;
import dev.cachesync.invalidator.apply.Backoff;
import dev.cachesync.invalidator.apply.BatchApplier;
import dev.cachesync.invalidator.apply.InvalidationSink;
import dev.cachesync.invalidator.apply.RetryPolicy;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.registry.SchemaRegistryClient;
import dev.cachesync.schemas.serde.AvroSerdes;
import dev.cachesync.schemas.serde.AvroSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topology on TopologyTestDriver, with the in-memory schema registry stub (whose scripted answers stand for the
 * registry's failures) and Redis replaced by a recording sink.
 */
class InvalidatorTopologyTest {
    private static final String SCHEMA_BY_ID = "GET /schemas/ids/";
    private static final int MAX_BATCH_TAGS = 10;
    private static final int MAX_TAGS = 50;
    private final RecordingSink sink = new RecordingSink();
    private final List<InvalidationApplied> applied = new ArrayList<>();
    /** What the ledger was told, batch by batch: the highest offset consumed per input partition. */
    private final List<Map<TopicPartition, Long>> recorded = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** Every read of the decode clock moves it one minute on: the unknown-schema window passes in 5 failures. */
    private final AtomicLong decodeClock = new AtomicLong();
    private InMemorySchemaRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ProductEvent> events;
    private TestInputTopic<String, byte[]> rawEvents;
    private TestInputTopic<String, InvalidationCommand> commands;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void setUp() {
        registry = InMemorySchemaRegistry.start();
        InvalidatorMetrics metrics = new InvalidatorMetrics(meters);
        BatchApplier applier = new BatchApplier(sink, applied::add, (source, reason, detail) -> {
            throw new AssertionError("no purge should be dead-lettered here: " + reason + " " + detail);
        }, metrics, Clock.systemUTC(), new RetryPolicy(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), 3), () -> true,
                recorded::add);
        var topology = InvalidatorTopology.build(new InvalidatorTopology.Settings(Duration.ofMillis(5), 500, MAX_BATCH_TAGS,
                        MAX_TAGS, 100_000),
                () -> new EventDecoder(AvroSerdes.serde(ProductEvent.class, registry.url()).deserializer(),
                        AvroSerdes.serde(InvalidationCommand.class, registry.url()).deserializer()),
                applier::apply, metrics,
                new DecodeRetries(Duration.ofMinutes(5), new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)),
                        () -> true, () -> decodeClock.addAndGet(Duration.ofMinutes(1).toNanos())),
                UnappliedInvalidations.systemClock());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props);

        // The producers have a registry client of their own, as separate processes do: the decoder does not find
        // the schemas in a cache filled by registering them, it fetches them by id.
        SchemaRegistryClient producers = SchemaRegistryClient.builder(registry.url()).build();
        Serializer<ProductEvent> eventSerializer = new AvroSerializer<>(producers);
        events = driver.createInputTopic(Topics.PRODUCT_EVENTS, new StringSerializer(), eventSerializer);
        rawEvents = driver.createInputTopic(Topics.PRODUCT_EVENTS, new StringSerializer(), new ByteArraySerializer());
        commands = driver.createInputTopic(Topics.INVALIDATION_COMMANDS, new StringSerializer(),
                new AvroSerializer<InvalidationCommand>(producers));
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        registry.close();
    }

    @Test
    void aCategoryMovePurgesTheProductAndBothCategories() {
        events.pipeInput("p1", event("p1", 2, product("p1", "shoes", "acme"), product("p1", "boots", "acme"),
                List.of("product:p1", "category:shoes", "category:boots", "brand:acme")));

        assertThat(sink.tagPurges).hasSize(1);
        assertThat(sink.tagPurges.get(0)).containsExactlyInAnyOrder(
                "product:p1", "category:shoes", "category:boots", "brand:acme");
        assertThat(applied).singleElement().satisfies(a -> {
            assertThat(a.getSourceEventIds()).hasSize(1);
            assertThat(a.getTags()).contains("category:shoes", "category:boots");
        });
    }

    @Test
    void tagsTheEventForgotAreDerivedFromBeforeAndAfter() {
        events.pipeInput("p2", event("p2", 5, product("p2", "shoes", null), product("p2", "boots", "zeta"), List.of()));

        assertThat(sink.tagPurges.get(0)).containsExactlyInAnyOrder(
                "product:p2", "category:shoes", "category:boots", "brand:zeta");
    }

    @Test
    void aDeletedProductPurgesItsOldTags() {
        events.pipeInput("p3", event("p3", 7, product("p3", "hats", "acme"), null, List.of("product:p3")));

        assertThat(sink.tagPurges.get(0)).containsExactlyInAnyOrder("product:p3", "category:hats", "brand:acme");
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicWithItsReasonAndTheStreamGoesOn() {
        rawEvents.pipeInput("p4", "not avro at all".getBytes(StandardCharsets.UTF_8));
        events.pipeInput("p5", event("p5", 1, null, product("p5", "shoes", null), List.of("product:p5")));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not avro at all");
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("undecodable");
        assertThat(header(dead, DeadLetters.DETAIL)).isNotBlank();
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.PRODUCT_EVENTS);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(sink.tagPurges).singleElement().satisfies(tags -> assertThat(tags).contains("product:p5"));
    }

    @Test
    void anEventWithABadTagIsDeadLetteredNotPurged() {
        events.pipeInput("p6", event("p6", 1, null, product("p6", "shoes", null), List.of("product:p6", "Bad Tag!")));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("invalid-tag");
        assertThat(header(dead, DeadLetters.DETAIL)).contains("Bad Tag!");
        assertThat(sink.tagPurges).isEmpty();
    }

    @Test
    void anEventWithoutProductIdIsDeadLettered() {
        events.pipeInput("", event("", 1, null, null, List.of()));

        assertThat(header(deadLetters.readRecord(), DeadLetters.REASON)).isEqualTo("missing-product-id");
        assertThat(sink.tagPurges).isEmpty();
    }

    @Test
    void aDuplicateEventCostsNoPurge() {
        ProductEvent v3 = event("p7", 3, null, product("p7", "shoes", null), List.of("product:p7"));
        events.pipeInput("p7", v3);
        events.pipeInput("p7", v3);

        assertThat(sink.tagPurges).hasSize(1);
    }

    @Test
    void recordsWithoutAPurgeAreRecordedAsAppliedBeforeTheirOffsetsAreCommitted() {
        ProductEvent v1 = event("p10", 1, null, product("p10", "shoes", null), List.of("product:p10"));
        events.pipeInput("p10", v1); // offset 0
        rawEvents.pipeInput("p11", "not avro at all".getBytes(StandardCharsets.UTF_8)); // 1: dead-lettered
        events.pipeInput("p10", v1); // 2: a duplicate
        List<String> tags = new ArrayList<>();
        for (int i = 0; i <= MAX_TAGS; i++) {
            tags.add("bulk:" + i);
        }
        commands.pipeInput("big", command("big", tags)); // commands offset 0: too-many-tags

        assertThat(sink.tagPurges).hasSize(1);
        // The test driver commits after every record: by then the last offset of each partition is recorded, so
        // the healer never finds a committed offset ahead of Redis' applied one (and takes it for lost purges).
        Map<TopicPartition, Long> last = new java.util.HashMap<>();
        recorded.forEach(last::putAll);
        assertThat(last).containsEntry(new TopicPartition(Topics.PRODUCT_EVENTS, 0), 2L)
                .containsEntry(new TopicPartition(Topics.INVALIDATION_COMMANDS, 0), 0L);
        assertThat(recorded).as("one record per commit with something new; none for an idle one").hasSize(4);
    }

    @Test
    void aMoveDeliveredAfterALaterVersionStillPurgesTheCategoryItLeft() {
        events.pipeInput("p9", event("p9", 3, product("p9", "boots", null), product("p9", "boots", null),
                List.of("product:p9", "category:boots")));
        events.pipeInput("p9", event("p9", 2, product("p9", "shoes", null), product("p9", "boots", null),
                List.of("product:p9", "category:shoes", "category:boots")));

        assertThat(sink.tagPurges).hasSize(2);
        assertThat(sink.tagPurges.get(1)).contains("category:shoes");
    }

    @Test
    void aManualCommandPurgesItsTagsAndKeys() {
        commands.pipeInput("c1", InvalidationCommand.newBuilder()
                .setCommandId("c1").setRequestedAt(Instant.now())
                .setTags(List.of("category:shoes")).setKeys(List.of("http://catalog/products/p1"))
                .setReason("manual test").setRequestedBy("test").build());

        assertThat(sink.tagPurges).containsExactly(Set.of("category:shoes"));
        assertThat(sink.keyPurges).containsExactly(Set.of("http://catalog/products/p1"));
        assertThat(applied.get(0).getSourceEventIds()).containsExactly("c1");
    }

    @Test
    void anEmptyCommandIsDeadLettered() {
        commands.pipeInput("c2", InvalidationCommand.newBuilder()
                .setCommandId("c2").setRequestedAt(Instant.now()).setTags(List.of()).setKeys(List.of())
                .setReason("nothing").setRequestedBy("test").build());

        assertThat(header(deadLetters.readRecord(), DeadLetters.REASON)).isEqualTo("empty-command");
    }

    @Test
    void aFailingPurgeIsRetriedUntilRedisAcknowledgesIt() {
        sink.failuresLeft.set(3);
        events.pipeInput("p8", event("p8", 1, null, product("p8", "shoes", null), List.of("product:p8")));

        assertThat(sink.attempts.get()).isEqualTo(4);
        assertThat(sink.tagPurges).hasSize(1);
        assertThat(applied).hasSize(1);
    }

    @Test
    void aCommandAboveTheTagLimitIsDeadLetteredAsTooManyTagsAndTheNextIsApplied() {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i <= MAX_TAGS; i++) {
            tags.add("bulk:" + i);
        }
        commands.pipeInput("big", command("big", tags));
        commands.pipeInput("small", command("small", List.of("category:hats")));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo(InvalidatorTopology.TOO_MANY_TAGS);
        assertThat(header(dead, DeadLetters.DETAIL)).contains("51 tags", "limit is 50");
        assertThat(sink.tagPurges).containsExactly(Set.of("category:hats"));
    }

    @Test
    void aCommandAtTheTagLimitIsAppliedInOnePurge() {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < MAX_TAGS; i++) {
            tags.add("bulk:" + i);
        }
        commands.pipeInput("limit", command("limit", tags));

        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(sink.tagPurges).singleElement().satisfies(purged -> assertThat(purged).hasSize(MAX_TAGS));
    }

    @Test
    void registryFailuresAreRetriedAndTheEventIsAppliedNotDeadLettered() {
        registry.answerNext(SCHEMA_BY_ID, 503, "{\"error_code\":50301,\"message\":\"unavailable\"}")
                .answerNext(SCHEMA_BY_ID, 401, "{\"error_code\":40101,\"message\":\"unauthorized\"}")
                .answerNext(SCHEMA_BY_ID, 403, "{\"error_code\":40301,\"message\":\"forbidden\"}")
                .answerNext(SCHEMA_BY_ID, 429, "slow down")
                .answerNext(SCHEMA_BY_ID, 408, "")
                .answerNext(SCHEMA_BY_ID, 200, "<html><body>corporate proxy login</body></html>");

        events.pipeInput("p10", event("p10", 1, null, product("p10", "shoes", null), List.of("product:p10")));

        assertThat(registry.scriptedAnswers()).isEqualTo(6);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(sink.tagPurges).singleElement().satisfies(tags -> assertThat(tags).contains("product:p10"));
        assertThat(meters.get("cachesync.invalidator.decode.retries").tag("cause", "registry").counter().count())
                .isEqualTo(6);
    }

    @Test
    void anUnknownSchemaIdThatComesBackWithinTheWindowIsApplied() {
        String notFound = "{\"error_code\":40403,\"message\":\"Schema not found\"}";
        registry.answerNext(SCHEMA_BY_ID, 404, notFound).answerNext(SCHEMA_BY_ID, 404, notFound)
                .answerNext(SCHEMA_BY_ID, 404, notFound);

        events.pipeInput("p11", event("p11", 1, null, product("p11", "shoes", null), List.of("product:p11")));

        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(sink.tagPurges).singleElement().satisfies(tags -> assertThat(tags).contains("product:p11"));
    }

    @Test
    void anUnknownSchemaIdIsRetriedForTheWindowThenDeadLetteredAndTheStreamGoesOn() {
        byte[] frame = {0, 0, 0x0f, 0x42, 0x3f, 2, 4, 6}; // wire format, schema id 999,999: never registered
        rawEvents.pipeInput("p12", frame);
        events.pipeInput("p13", event("p13", 1, null, product("p13", "shoes", null), List.of("product:p13")));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo(EventDecoder.UNKNOWN_SCHEMA);
        assertThat(header(dead, DeadLetters.DETAIL)).contains("999999");
        assertThat(dead.value()).isEqualTo(frame);
        assertThat(meters.get("cachesync.invalidator.decode.retries").tag("cause", EventDecoder.UNKNOWN_SCHEMA)
                .counter().count()).as("retried, not dead-lettered at the first 404").isGreaterThanOrEqualTo(4);
        assertThat(sink.tagPurges).singleElement().satisfies(tags -> assertThat(tags).contains("product:p13"));
    }

    static InvalidationCommand command(String id, List<String> tags) {
        return InvalidationCommand.newBuilder().setCommandId(id).setRequestedAt(Instant.now()).setTags(tags)
                .setKeys(List.of()).setReason("test").setRequestedBy("test").build();
    }

    static ProductEvent event(String id, long version, Product before, Product after, List<String> tags) {
        ProductEventType type = before == null ? ProductEventType.CREATED
                : after == null ? ProductEventType.DELETED : ProductEventType.UPDATED;
        return ProductEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now())
                .setProductId(id).setVersion(version).setType(type)
                .setBefore(before).setAfter(after).setTags(tags)
                .setSource("test").build();
    }

    static Product product(String id, String category, String brand) {
        return Product.newBuilder().setId(id).setName("Product " + id).setPriceCents(1000).setCurrency("EUR")
                .setStock(1).setCategorySlug(category).setBrandSlug(brand).setVersion(1)
                .setUpdatedAt(Instant.now()).build();
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Records purges; fails the first {@code failuresLeft} attempts like an unreachable Redis would. */
    static final class RecordingSink implements InvalidationSink {
        final List<Set<String>> tagPurges = new ArrayList<>();
        final List<Set<String>> keyPurges = new ArrayList<>();
        final AtomicInteger failuresLeft = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        public Purged purge(Set<String> tags, Set<String> keys) {
            attempts.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new org.redisson.client.RedisConnectionException("Redis is down");
            }
            if (!tags.isEmpty()) {
                tagPurges.add(tags);
            }
            if (!keys.isEmpty()) {
                keyPurges.add(keys);
            }
            return new Purged(tagPurges.size(), tags.size());
        }

        @Override
        public boolean isAvailable() {
            return failuresLeft.get() <= 0;
        }
    }
}
