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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kafka stops while changes commit; when it returns every event arrives once, in order per product. */
abstract class KafkaOutageContract {
    private static final String TOPIC = "catalog.product-events.v1";
    private final SchemaRegistry registry = DevStack.schemaRegistry();
    private KafkaBroker kafka;
    private TestDatabase db;
    private OutboxRelay relay;

    abstract TestDatabase openDatabase();

    @BeforeEach
    void setUp() {
        db = openDatabase();
        kafka = KafkaBroker.start(); // private: this test stops it
        kafka.createTopic(TOPIC, 3);
    }

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void changesCommitDuringAnOutageAndAllArriveOnceInOrderAfterIt() {
        relay = OutboxRelay.builder(db.dataSource(), ProductEventProducerSettings.to(kafka.bootstrapServers(), registry.url()))
                .topic(TOPIC).pollInterval(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(500)).build();
        ProductStore store = ProductStore.builder(db.dataSource()).changeSink(new OutboxWriter())
                .afterCommit(relay::wakeUp).build();
        relay.start();
        List<String> products = List.of("red", "green", "blue");
        for (String id : products) {
            store.put(id, ProductDraft.builder().name(id).priceCents(0).categorySlug("colours").build(),
                    WriteCondition.always(), null);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.stats().backlog() == 0);

        kafka.stop();
        for (int i = 1; i <= 10; i++) {
            String id = products.get(i % products.size());
            store.patch(id, ProductPatch.builder().priceCents(i).build(), WriteCondition.always(), null);
        }
        assertThat(relay.stats().backlog()).as("all ten committed, none sent while Kafka is down").isEqualTo(10);

        kafka.restart();
        await().atMost(Duration.ofSeconds(90)).until(() -> relay.stats().backlog() == 0);

        List<ProductEvent> events = TopicReader.readAll(kafka.bootstrapServers(), registry.url(), TOPIC).stream()
                .map(ConsumerRecord::value).toList();
        assertThat(events).hasSize(13);
        assertThat(events.stream().map(ProductEvent::getEventId).distinct().count()).isEqualTo(13);
        Map<String, List<Long>> versions = events.stream().collect(Collectors.groupingBy(ProductEvent::getProductId,
                Collectors.mapping(ProductEvent::getVersion, Collectors.toList())));
        assertThat(versions.get("red")).containsExactly(1L, 2L, 3L, 4L);   // i = 3, 6, 9
        assertThat(versions.get("green")).containsExactly(1L, 2L, 3L, 4L, 5L); // i = 1, 4, 7, 10
        assertThat(versions.get("blue")).containsExactly(1L, 2L, 3L, 4L);  // i = 2, 5, 8
        assertThat(events.stream().filter(e -> e.getProductId().equals("green")).map(e -> e.getAfter().getPriceCents()))
                .containsExactly(0L, 1L, 4L, 7L, 10L);
    }

    @Test
    void aRoundStopsAtTheFirstRowKafkaRefusesSoNoLaterVersionCanOvertakeIt() throws Exception {
        ProductEventProducerSettings settings = ProductEventProducerSettings.to(kafka.bootstrapServers(), registry.url())
                .property("max.block.ms", 500);
        java.util.concurrent.atomic.AtomicInteger sends = new java.util.concurrent.atomic.AtomicInteger();
        relay = OutboxRelay.builder(db.dataSource(), () -> countingSends(settings.create(), sends)).topic(TOPIC).build();
        ProductStore store = ProductStore.builder(db.dataSource()).changeSink(new OutboxWriter()).build();
        store.put("lamp", ProductDraft.builder().name("Lamp").priceCents(1).categorySlug("shoes").build(),
                WriteCondition.always(), null);
        store.patch("lamp", ProductPatch.builder().categorySlug("boots").build(), WriteCondition.always(), null);
        store.patch("lamp", ProductPatch.builder().priceCents(2).build(), WriteCondition.always(), null);
        kafka.stop(); // the relay's fresh producer has no metadata: KafkaProducer answers send() with a failed future

        org.assertj.core.api.Assertions.assertThatThrownBy(relay::relayOnce).isInstanceOf(OutboxRelay.RelayException.class);
        assertThat(sends.get()).as("rows handed to the producer after it refused the first").isEqualTo(1);
        assertThat(relay.stats().backlog()).isEqualTo(3);

        kafka.restart();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            relay.relayOnce();
            return relay.stats().backlog() == 0;
        });
        assertThat(TopicReader.readAll(kafka.bootstrapServers(), registry.url(), TOPIC))
                .extracting(r -> r.value().getVersion()).containsExactly(1L, 2L, 3L);
    }

    @SuppressWarnings("unchecked")
    private static org.apache.kafka.clients.producer.Producer<String, ProductEvent> countingSends(
            org.apache.kafka.clients.producer.Producer<String, ProductEvent> producer,
            java.util.concurrent.atomic.AtomicInteger sends) {
        return (org.apache.kafka.clients.producer.Producer<String, ProductEvent>) java.lang.reflect.Proxy.newProxyInstance(
                KafkaOutageContract.class.getClassLoader(),
                new Class<?>[] {org.apache.kafka.clients.producer.Producer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("send")) {
                        sends.incrementAndGet();
                    }
                    try {
                        return method.invoke(producer, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
