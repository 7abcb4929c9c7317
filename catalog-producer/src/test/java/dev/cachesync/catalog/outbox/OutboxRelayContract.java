package dev.cachesync.catalog.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.catalog.product.ProductDraft;
import dev.cachesync.catalog.product.ProductPatch;
import dev.cachesync.catalog.product.ProductStore;
import dev.cachesync.catalog.product.WriteCondition;
import dev.cachesync.catalog.publish.ProductEventProducerSettings;
import dev.cachesync.catalog.testing.TestDatabase;
import dev.cachesync.catalog.testing.TopicReader;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.events.ProductEventType;
import dev.cachesync.schemas.HopHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay against the shared devstack broker and registry; H2 and PostgreSQL subclasses. */
abstract class OutboxRelayContract {
    final KafkaBroker kafka = DevStack.kafka();
    final SchemaRegistry registry = DevStack.schemaRegistry();
    final List<OutboxRelay> relays = new ArrayList<>();
    TestDatabase db;
    private ProductStore store;
    String topic;

    abstract TestDatabase openDatabase();

    @BeforeEach
    void setUp() {
        db = openDatabase();
        topic = "catalog.product-events.test-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);
    }

    @AfterEach
    void tearDown() {
        relays.forEach(OutboxRelay::close);
        if (db != null) {
            db.close();
        }
    }

    private OutboxRelay startRelay() {
        OutboxRelay relay = OutboxRelay.builder(db.dataSource(),
                        ProductEventProducerSettings.to(kafka.bootstrapServers(), registry.url()))
                .topic(topic).pollInterval(Duration.ofMillis(50)).batchSize(20).build();
        relays.add(relay);
        return relay.start();
    }

    private ProductStore storeWaking(OutboxRelay... wake) {
        return ProductStore.builder(db.dataSource()).changeSink(new OutboxWriter()).source("relay-test")
                .afterCommit(() -> { for (OutboxRelay r : wake) r.wakeUp(); }).build();
    }

    private List<ProductEvent> publishedEvents() {
        return TopicReader.readAll(kafka.bootstrapServers(), registry.url(), topic).stream()
                .map(ConsumerRecord::value).toList();
    }

    static ProductDraft product(String category, String brand, long price) {
        return ProductDraft.builder().name("Boot").priceCents(price).categorySlug(category).brandSlug(brand).build();
    }

    @Test
    void eachChangeBecomesExactlyOneEventWithItsTagsAndVersion() {
        OutboxRelay relay = startRelay();
        store = storeWaking(relay);
        store.put("p1", product("shoes", "acme", 100), WriteCondition.always(), "trace-7");
        store.put("p1", product("boots", "bolt", 100), WriteCondition.always(), null);
        store.delete("p1", WriteCondition.always(), null);

        await().atMost(Duration.ofSeconds(30)).until(() -> relay.stats().backlog() == 0);
        List<ConsumerRecord<String, ProductEvent>> records =
                TopicReader.readAll(kafka.bootstrapServers(), registry.url(), topic);

        assertThat(records).hasSize(3);
        assertThat(records).extracting(ConsumerRecord::key).containsOnly("p1");
        ProductEvent created = records.get(0).value();
        assertThat(created.getType()).isEqualTo(ProductEventType.CREATED);
        assertThat(created.getVersion()).isEqualTo(1);
        assertThat(created.getBefore()).isNull();
        assertThat(created.getAfter().getCategorySlug()).isEqualTo("shoes");
        assertThat(created.getTags()).containsExactly("product:p1", "category:shoes", "brand:acme");
        assertThat(created.getSource()).isEqualTo("relay-test");
        assertThat(created.getTraceId()).isEqualTo("trace-7");
        assertThat(created.getOccurredAt()).isEqualTo(created.getAfter().getUpdatedAt());

        ProductEvent moved = records.get(1).value();
        assertThat(moved.getType()).isEqualTo(ProductEventType.UPDATED);
        assertThat(moved.getVersion()).isEqualTo(2);
        assertThat(moved.getBefore().getVersion()).isEqualTo(1);
        assertThat(moved.getAfter().getVersion()).isEqualTo(2);
        assertThat(moved.getTags()).containsExactlyInAnyOrder(
                "product:p1", "category:shoes", "category:boots", "brand:acme", "brand:bolt");

        ProductEvent deleted = records.get(2).value();
        assertThat(deleted.getType()).isEqualTo(ProductEventType.DELETED);
        assertThat(deleted.getVersion()).isEqualTo(3);
        assertThat(deleted.getAfter()).isNull();
        assertThat(deleted.getTags()).containsExactlyInAnyOrder("product:p1", "category:boots", "brand:bolt");
    }

    @Test
    void eachRecordCarriesTheTimeTheRelayHandedItToTheProducer() {
        OutboxRelay relay = startRelay();
        store = storeWaking(relay);
        long before = HopHeaders.micros(java.time.Instant.now());
        store.put("p1", product("shoes", "acme", 100), WriteCondition.always(), null);
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.stats().backlog() == 0);
        long after = HopHeaders.micros(java.time.Instant.now());

        List<ConsumerRecord<String, ProductEvent>> records =
                TopicReader.readAll(kafka.bootstrapServers(), registry.url(), topic);
        assertThat(records).hasSize(1);
        Long sentAt = HopHeaders.relaySentAtMicros(records.get(0).headers());
        assertThat(sentAt).isNotNull().isBetween(before, after);
        // Handed to the producer after the commit: never before the change's commit time (whole milliseconds).
        assertThat(sentAt).isGreaterThanOrEqualTo(HopHeaders.micros(records.get(0).value().getOccurredAt()));
    }

    @Test
    void twoRelaysOnOneOutboxPublishNoEventTwiceAndKeepPerProductOrder() throws Exception {
        OutboxRelay first = startRelay();
        OutboxRelay second = startRelay();
        store = storeWaking(first, second);
        int products = 6;
        int changesPerProduct = 10;
        ExecutorService writers = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int p = writer; p < products; p += 3) {
                        String id = "p" + p;
                        store.put(id, product("c" + p, null, 0), WriteCondition.always(), null);
                        for (int i = 1; i < changesPerProduct; i++) {
                            store.patch(id, ProductPatch.builder().priceCents(i).build(), WriteCondition.always(), null);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdownNow();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> first.stats().backlog() == 0);
        List<ProductEvent> events = publishedEvents();
        Map<String, Long> copies = events.stream().collect(Collectors.groupingBy(ProductEvent::getEventId, Collectors.counting()));
        assertThat(copies).hasSize(products * changesPerProduct);
        assertThat(copies.values()).containsOnly(1L);
        Map<String, List<Long>> versionsByProduct = events.stream().collect(Collectors.groupingBy(
                ProductEvent::getProductId, Collectors.mapping(ProductEvent::getVersion, Collectors.toList())));
        for (List<Long> versions : versionsByProduct.values()) {
            assertThat(versions).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, changesPerProduct).boxed().toList());
        }
    }

    @Test
    void sentRowsAreDeletedAfterTheRetentionInBoundedBatchesAndUnsentRowsNever() throws Exception {
        MutableClock clock = new MutableClock(java.time.Instant.now());
        OutboxRelay relay = OutboxRelay.builder(db.dataSource(),
                        ProductEventProducerSettings.to(kafka.bootstrapServers(), registry.url()))
                .topic(topic).clock(clock).sentRetention(Duration.ofHours(1)).deleteBatchSize(2).build();
        relays.add(relay);
        store = storeWaking();
        for (int i = 0; i < 5; i++) {
            store.put("old" + i, product("shoes", null, i), WriteCondition.always(), null);
        }
        assertThat(relay.relayOnce()).isEqualTo(5);
        clock.advance(Duration.ofHours(2));
        store.put("fresh", product("shoes", null, 1), WriteCondition.always(), null);
        assertThat(relay.relayOnce()).isEqualTo(1);
        store.put("pending", product("shoes", null, 1), WriteCondition.always(), null);

        assertThat(relay.deleteSentRows()).isEqualTo(5); // three statements of at most 2 rows
        assertThat(relay.deleteSentRows()).isZero();
        assertThat(dev.cachesync.catalog.testing.OutboxTable.changes(db.dataSource()))
                .extracting(c -> c.productId()).containsExactly("fresh", "pending");
        assertThat(dev.cachesync.catalog.testing.OutboxTable.unsent(db.dataSource()))
                .extracting(c -> c.productId()).containsExactly("pending");

        clock.advance(Duration.ofHours(2));
        assertThat(relay.deleteSentRows()).isEqualTo(1);
        assertThat(dev.cachesync.catalog.testing.OutboxTable.changes(db.dataSource()))
                .extracting(c -> c.productId()).containsExactly("pending");
    }

    /** A clock the test moves forward. */
    static final class MutableClock extends java.time.Clock {
        private volatile java.time.Instant now;

        MutableClock(java.time.Instant start) { this.now = start; }

        void advance(Duration d) { now = now.plus(d); }

        @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }

        @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }

        @Override public java.time.Instant instant() { return now; }
    }

    @Test
    void backlogMetricsFollowTheOutbox() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        OutboxRelay relay = OutboxRelay.builder(db.dataSource(),
                        ProductEventProducerSettings.to(kafka.bootstrapServers(), registry.url()))
                .topic(topic).meterRegistry(meters).build();
        relays.add(relay);
        store = storeWaking();
        store.put("m1", product("shoes", null, 1), WriteCondition.always(), null);
        store.put("m2", product("shoes", null, 1), WriteCondition.always(), null);

        assertThat(relay.stats().backlog()).isEqualTo(2);
        assertThat(meters.get("catalog.outbox.backlog").gauge().value()).isEqualTo(2);
        relay.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.stats().backlog() == 0);
        // the round counts its rows just after its commit: a reader can see the empty backlog first
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(meters.get("catalog.outbox.published").counter().count()).isEqualTo(2));
        assertThat(meters.get("catalog.outbox.publish.latency").timer().count()).isEqualTo(2);
        assertThat(publishedEvents()).extracting(ProductEvent::getProductId).containsExactlyInAnyOrder("m1", "m2");
    }
}
