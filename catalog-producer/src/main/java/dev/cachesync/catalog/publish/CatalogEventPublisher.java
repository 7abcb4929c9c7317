package dev.cachesync.catalog.publish;

import dev.cachesync.catalog.product.Product;
import dev.cachesync.catalog.product.ProductChange;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes product changes for catalog services that keep their own store instead of {@code ProductStore}.
 * Events get the same shape and tags as the outbox's: {@code product:{id}} plus old and new category and brand.
 *
 * <pre>{@code
 * try (CatalogEventPublisher events = CatalogEventPublisher.builder(bootstrapServers, registryUrl)
 *         .source("pricing-service").build()) {
 *     events.updated(before, after).join();   // after.version() must be above before.version()
 * }
 * }</pre>
 *
 * <p>Without an outbox, a crash between the service's own commit and the acknowledgement loses that event; call
 * from after the commit and retry failed futures, or use the store with {@code OutboxRelay}, which cannot lose one.
 */
public final class CatalogEventPublisher implements AutoCloseable {
    private final Producer<String, ProductEvent> producer;
    private final String topic;
    private final String source;
    private final Clock clock;

    private CatalogEventPublisher(Builder b) {
        this.producer = b.producer.create();
        this.topic = b.topic;
        this.source = b.source;
        this.clock = b.clock;
    }

    public static Builder builder(String bootstrapServers, String schemaRegistryUrl) {
        return new Builder(ProductEventProducerSettings.to(bootstrapServers, schemaRegistryUrl));
    }

    public CompletableFuture<RecordMetadata> created(Product after) {
        return publish(ProductChange.between(null, after, 0, now(), source, null));
    }

    public CompletableFuture<RecordMetadata> updated(Product before, Product after) {
        return publish(ProductChange.between(before, after, 0, now(), source, null));
    }

    /** {@code newVersion} is the version the delete advanced the product to (above {@code before.version()}). */
    public CompletableFuture<RecordMetadata> deleted(Product before, long newVersion) {
        return publish(ProductChange.between(before, null, newVersion, now(), source, null));
    }

    /** Sends {@code change} keyed by its product id; completes when the broker has acknowledged it (acks=all). */
    public CompletableFuture<RecordMetadata> publish(ProductChange change) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, change.productId(), ProductEvents.toAvro(change)), (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    private java.time.Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Waits up to 30 seconds for outstanding sends. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }

    public static final class Builder {
        private final ProductEventProducerSettings producer;
        private String topic = Topics.PRODUCT_EVENTS;
        private String source = "catalog";
        private Clock clock = Clock.systemUTC();

        private Builder(ProductEventProducerSettings producer) {
            this.producer = producer;
        }

        public Builder topic(String topic) { this.topic = Objects.requireNonNull(topic); return this; }

        /** The {@code source} field of every event: which service made the change. */
        public Builder source(String source) { this.source = Objects.requireNonNull(source); return this; }

        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

        /** Tune the underlying producer (delivery timeout, client id, other properties). */
        public Builder producer(java.util.function.Consumer<ProductEventProducerSettings> settings) { settings.accept(producer); return this; }

        public CatalogEventPublisher build() {
            return new CatalogEventPublisher(this);
        }
    }
}
