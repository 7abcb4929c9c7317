package dev.cachesync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.cachesync.catalog.publish.ProductEventProducerSettings;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaCluster;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.devstack.TopicContents;
import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.Product;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.events.ProductEventType;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A broker SIGKILLed mid-stream on a three-broker cluster (replication factor 3, min.insync.replicas 2): the
 * catalog's product-event producer (the relay's settings: acks=all, idempotent) keeps publishing through the
 * failover, no event is lost, duplicated or reordered per product, and two invalidator instances sharing the
 * partitions apply every invalidation.
 */
class BrokerFailoverTest {
    private static final int PARTITIONS = 6;
    private static final int PRODUCTS = 40;
    private static final int VERSIONS = 25;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        java.util.Collections.reverse(cleanup);
        for (AutoCloseable closeable : cleanup) {
            closeable.close();
        }
    }

    @Test
    void noEventIsLostOrReorderedAndEveryInvalidationIsAppliedWhenABrokerIsKilledMidStream() throws Exception {
        KafkaCluster cluster = KafkaCluster.start();
        cleanup.add(cluster);
        SchemaRegistry registry = DevStack.schemaRegistry();
        RedisServer redis = DevStack.redis();
        for (String topic : List.of(Topics.PRODUCT_EVENTS, Topics.INVALIDATION_COMMANDS, Topics.INVALIDATIONS_APPLIED,
                Topics.DEAD_LETTERS)) {
            cluster.createTopic(topic, PARTITIONS);
        }
        String applicationId = "failover-" + UUID.randomUUID();
        String prefix = "failover-" + UUID.randomUUID() + ":";
        List<InvalidatorApp> invalidators = List.of(
                startInvalidator(cluster, registry, redis, applicationId, prefix),
                startInvalidator(cluster, registry, redis, applicationId, prefix));
        await().atMost(Duration.ofSeconds(90)).until(() -> invalidators.stream()
                .allMatch(app -> app.state() == KafkaStreams.State.RUNNING));

        Producer<String, ProductEvent> producer = ProductEventProducerSettings
                .to(cluster.bootstrapServers(), registry.url()).clientId("failover-relay").create();
        cleanup.add(producer);
        String run = UUID.randomUUID().toString().substring(0, 8);
        Set<String> eventIds = new HashSet<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        int killed = -1;
        // Round after round, every product gets its next version: each partition's stream is interleaved and
        // ordered, and the kill falls between two rounds with earlier sends possibly still in flight.
        for (int version = 1; version <= VERSIONS; version++) {
            if (version == VERSIONS / 2) {
                killed = cluster.leaderOf(Topics.PRODUCT_EVENTS, 0);
                cluster.kill(killed);
            }
            for (int p = 0; p < PRODUCTS; p++) {
                ProductEvent event = event(run + "-p" + p, version);
                eventIds.add(event.getEventId());
                acks.add(producer.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, event.getProductId(), event)));
            }
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(3, TimeUnit.MINUTES); // the relay's delivery timeout is 2 minutes
        }
        assertThat(cluster.isRunning(killed)).isFalse();

        // Every event once, each product's versions in order, all of a product in one partition.
        Map<String, List<Long>> versions = new HashMap<>();
        Map<String, Set<Integer>> partitions = new HashMap<>();
        for (ConsumerRecord<String, ProductEvent> record : TopicContents.readAll(cluster.bootstrapServers(),
                Topics.PRODUCT_EVENTS, new StringDeserializer(),
                AvroSerdes.serde(ProductEvent.class, registry.url()).deserializer())) {
            if (record.key().startsWith(run)) {
                versions.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value().getVersion());
                partitions.computeIfAbsent(record.key(), k -> new HashSet<>()).add(record.partition());
            }
        }
        List<Long> expected = java.util.stream.LongStream.rangeClosed(1, VERSIONS).boxed().toList();
        assertThat(versions).hasSize(PRODUCTS);
        assertThat(versions.values()).allSatisfy(list -> assertThat(list).containsExactlyElementsOf(expected));
        assertThat(partitions.values()).allSatisfy(set -> assertThat(set).hasSize(1));
        assertThat(partitions.values().stream().flatMap(Set::stream).distinct().count())
                .as("products spread over the partitions").isGreaterThan(1);

        // Every event's invalidation applied, as the invalidators' InvalidationApplied records say.
        Set<String> applied = new HashSet<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (ConsumerRecord<String, InvalidationApplied> record : TopicContents.readAll(cluster.bootstrapServers(),
                    Topics.INVALIDATIONS_APPLIED, new StringDeserializer(),
                    AvroSerdes.serde(InvalidationApplied.class, registry.url()).deserializer())) {
                applied.addAll(record.value().getSourceEventIds());
            }
            assertThat(applied).containsAll(eventIds);
        });
        assertThat(invalidators).allSatisfy(app -> assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING));
    }

    private InvalidatorApp startInvalidator(KafkaCluster cluster, SchemaRegistry registry, RedisServer redis,
                                            String applicationId, String prefix) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "REDIS_HOST", redis.host(),
                "REDIS_PORT", String.valueOf(redis.port()),
                "REDIS_KEY_PREFIX", prefix,
                "INVALIDATOR_APPLICATION_ID", applicationId,
                "INVALIDATOR_HTTP_PORT", "0",
                "INVALIDATOR_STATE_DIR", Files.createTempDirectory("failover-invalidator").toString(),
                "INVALIDATOR_CREATE_TOPICS", "false"));
        env.put("INVALIDATOR_REPLICATION_FACTOR", "3");
        InvalidatorApp app = InvalidatorApp.start(InvalidatorConfig.fromEnv(env));
        cleanup.add(app);
        return app;
    }

    private static ProductEvent event(String productId, long version) {
        Product product = Product.newBuilder().setId(productId).setName("Product " + productId).setPriceCents(1000)
                .setCurrency("EUR").setStock(1).setCategorySlug("failover").setBrandSlug(null).setVersion(version)
                .setUpdatedAt(Instant.now()).build();
        return ProductEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now())
                .setProductId(productId).setVersion(version).setType(ProductEventType.UPDATED)
                .setBefore(product).setAfter(product).setTags(List.of("product:" + productId, "category:failover"))
                .setSource("failover-test").build();
    }
}
