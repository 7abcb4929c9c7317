package dev.cachesync.demo.stack;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.Product;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.events.ProductEventType;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The demo's watcher on real Kafka: tombstones on either topic are skipped quietly, and what follows is seen. */
class InvalidationWatcherTest {
    private final KafkaBroker kafka = DevStack.kafka();
    private final SchemaRegistry registry = DevStack.schemaRegistry();

    @Test
    void tombstonesAreSkippedWithoutAWarningAndTheNextChangeIsMatchedToItsPurge() throws Exception {
        kafka.createTopic(Topics.PRODUCT_EVENTS, 3);
        kafka.createTopic(Topics.INVALIDATIONS_APPLIED, 3);
        Logger log = (Logger) LoggerFactory.getLogger(InvalidationWatcher.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        String productId = "watched-" + UUID.randomUUID().toString().substring(0, 8);
        ProductEvent event = created(productId);
        InvalidationApplied purge = InvalidationApplied.newBuilder()
                .setPurgeId(UUID.randomUUID().toString()).setAppliedAt(Instant.now()).setSequence(1)
                .setTags(List.of("product:" + productId)).setKeysPurged(1)
                .setSourceEventIds(List.of(event.getEventId())).setLagMillis(3).build();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());

        try (InvalidationWatcher watcher = InvalidationWatcher.start(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "SCHEMA_REGISTRY_URL", registry.url()));
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
             KafkaProducer<String, ProductEvent> events = new KafkaProducer<>(config, new StringSerializer(),
                     AvroSerdes.serde(ProductEvent.class, registry.url()).serializer());
             KafkaProducer<String, InvalidationApplied> purges = new KafkaProducer<>(config, new StringSerializer(),
                     AvroSerdes.serde(InvalidationApplied.class, registry.url()).serializer())) {
            // Same key, so each tombstone lands in its topic's partition before the record that follows it.
            raw.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, productId, null)).get(30, TimeUnit.SECONDS);
            raw.send(new ProducerRecord<>(Topics.INVALIDATIONS_APPLIED, productId, null)).get(30, TimeUnit.SECONDS);
            events.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, productId, event)).get(30, TimeUnit.SECONDS);
            purges.send(new ProducerRecord<>(Topics.INVALIDATIONS_APPLIED, productId, purge)).get(30, TimeUnit.SECONDS);

            Optional<InvalidationWatcher.Applied> applied = watcher.awaitApplied(productId, 1, Duration.ofSeconds(30));

            assertThat(applied).isPresent();
            assertThat(applied.get().record().getPurgeId()).isEqualTo(purge.getPurgeId());
        } finally {
            log.detachAppender(logged);
        }
        assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    private static ProductEvent created(String productId) {
        Instant at = Instant.now();
        Product after = Product.newBuilder().setId(productId).setName("Mug").setPriceCents(900)
                .setCategorySlug("kitchen").setVersion(1).setUpdatedAt(at).build();
        return ProductEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(at)
                .setProductId(productId).setVersion(1).setType(ProductEventType.CREATED).setAfter(after)
                .setTags(List.of("product:" + productId, "category:kitchen")).setSource("test").build();
    }
}
