package dev.cachesync.catalog.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.catalog.product.Product;
import dev.cachesync.catalog.product.ProductChange;
import dev.cachesync.catalog.product.ProductTags;
import dev.cachesync.catalog.testing.TopicReader;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.events.ProductEventType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Services without this store publish the same events, with the same tags, through the real registry. */
class CatalogEventPublisherTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void publishesCreatedUpdatedDeletedKeyedByProduct() {
        KafkaBroker kafka = DevStack.kafka();
        SchemaRegistry registry = DevStack.schemaRegistry();
        String topic = "catalog.product-events.publisher-" + UUID.randomUUID();
        kafka.createTopic(topic, 2);
        Product v1 = new Product("mug", "Mug", "White", 900, "EUR", 4, "kitchen", "potter", 1, T);
        Product v2 = new Product("mug", "Mug", "White", 900, "EUR", 4, "tableware", "potter", 2, T.plusSeconds(5));

        try (CatalogEventPublisher events = CatalogEventPublisher.builder(kafka.bootstrapServers(), registry.url())
                .topic(topic).source("pricing-service").build()) {
            events.created(v1).join();
            events.updated(v1, v2).join();
            events.deleted(v2, 3).join();
        }

        List<ConsumerRecord<String, ProductEvent>> records = TopicReader.readAll(kafka.bootstrapServers(), registry.url(), topic);
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("mug", "mug", "mug");
        assertThat(records).extracting(r -> r.value().getType())
                .containsExactly(ProductEventType.CREATED, ProductEventType.UPDATED, ProductEventType.DELETED);
        assertThat(records).extracting(r -> r.value().getVersion()).containsExactly(1L, 2L, 3L);
        assertThat(records.get(1).value().getTags())
                .containsExactly("product:mug", "category:kitchen", "brand:potter", "category:tableware");
        assertThat(records.get(0).value().getSource()).isEqualTo("pricing-service");
        ProductChange roundTrip = ProductEvents.fromAvro(records.get(1).value());
        assertThat(roundTrip.before()).isEqualTo(v1);
        assertThat(roundTrip.after()).isEqualTo(v2);
        assertThat(roundTrip.tags()).isEqualTo(ProductTags.touchedBy(v1, v2));
    }
}
