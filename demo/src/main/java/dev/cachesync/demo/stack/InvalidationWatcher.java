package dev.cachesync.demo.stack;

import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.security.KafkaClientSecurity;
import dev.cachesync.schemas.security.RegistryAuth;
import dev.cachesync.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the product events and the invalidator's {@link InvalidationApplied} records from the moment it starts,
 * so the demo can show which purge answered which catalog change, and with what lag.
 */
public final class InvalidationWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InvalidationWatcher.class);

    /** One product change and the purge that applied it. */
    public record Applied(String productId, long version, String eventId, Instant committedAt,
                          InvalidationApplied record) {
        public long lagMillis() {
            return record.getLagMillis();
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<ProductEvent> events;
    private final Deserializer<InvalidationApplied> applied;
    private final Thread poller;
    private final Object changed = new Object();
    private final Map<String, ProductEvent> eventsByProductVersion = new HashMap<>();
    private final Map<String, InvalidationApplied> appliedByEventId = new HashMap<>();
    private final List<InvalidationApplied> allApplied = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private volatile java.util.function.Consumer<InvalidationApplied> listener = purge -> { };

    private InvalidationWatcher(String bootstrapServers, String registryUrl, KafkaClientSecurity security,
                                RegistryAuth registryAuth) {
        this.events = AvroSerdes.serde(ProductEvent.class, registryUrl, registryAuth).deserializer();
        this.applied = AvroSerdes.serde(InvalidationApplied.class, registryUrl, registryAuth).deserializer();
        this.consumer = new KafkaConsumer<>(security.addTo(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "demo-watcher-" + UUID.randomUUID().toString().substring(0, 8),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.PRODUCT_EVENTS, Topics.INVALIDATIONS_APPLIED)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve "the end" now: later records are the ones we want
        this.poller = new Thread(this::poll, "demo-invalidation-watcher");
        poller.setDaemon(true);
        poller.start();
    }

    /**
     * Starts following both topics from their current ends (the topics must exist), configured like the services:
     * KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL and the credentials of docs/transport-security.md from {@code env}.
     */
    public static InvalidationWatcher start(Map<String, String> env) {
        return new InvalidationWatcher(env.get("KAFKA_BOOTSTRAP_SERVERS"), env.get("SCHEMA_REGISTRY_URL"),
                KafkaClientSecurity.fromEnv(env), RegistryAuth.fromEnv(env));
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    take(record);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                log.warn("invalidation watcher stopped: {}", e.toString());
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone (compaction, a cleanup tool): no change and no purge to show
        }
        try {
            if (record.topic().equals(Topics.PRODUCT_EVENTS)) {
                ProductEvent event = events.deserialize(record.topic(), record.headers(), record.value());
                synchronized (changed) {
                    eventsByProductVersion.put(event.getProductId() + "@" + event.getVersion(), event);
                    changed.notifyAll();
                }
            } else {
                InvalidationApplied purge = applied.deserialize(record.topic(), record.headers(), record.value());
                allApplied.add(purge);
                listener.accept(purge);
                synchronized (changed) {
                    purge.getSourceEventIds().forEach(id -> appliedByEventId.put(id, purge));
                    changed.notifyAll();
                }
            }
        } catch (RuntimeException e) {
            log.warn("cannot decode a record of {}: {}", record.topic(), e.toString());
        }
    }

    /** Calls {@code listener} with every purge from now on (on the watcher's thread). */
    public void onApplied(java.util.function.Consumer<InvalidationApplied> listener) {
        this.listener = listener;
    }

    /** Waits for the purge that applied the change of {@code productId} to {@code version}; empty on timeout. */
    public Optional<Applied> awaitApplied(String productId, long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (true) {
                ProductEvent event = eventsByProductVersion.get(productId + "@" + version);
                InvalidationApplied purge = event == null ? null : appliedByEventId.get(event.getEventId());
                if (purge != null) {
                    return Optional.of(new Applied(productId, version, event.getEventId(), event.getOccurredAt(),
                            purge));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                changed.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The purges applied between two instants, in the order they arrived. */
    public List<InvalidationApplied> appliedBetween(Instant from, Instant to) {
        List<InvalidationApplied> purges = new ArrayList<>();
        for (InvalidationApplied purge : allApplied) {
            if (!purge.getAppliedAt().isBefore(from) && !purge.getAppliedAt().isAfter(to)) {
                purges.add(purge);
            }
        }
        return purges;
    }

    /** Waits until the invalidator has applied every change up to these versions; false on timeout. */
    public boolean awaitAllApplied(Map<String, Long> versions, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<String, Long> v : versions.entrySet()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (awaitApplied(v.getKey(), v.getValue(), left).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            poller.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
