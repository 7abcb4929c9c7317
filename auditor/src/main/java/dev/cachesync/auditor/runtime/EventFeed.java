package dev.cachesync.auditor.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.cachesync.auditor.check.Change;
import dev.cachesync.auditor.check.PendingChecks;
import dev.cachesync.auditor.nines.ConsistencyMetrics;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the catalog's product events with the auditor's own consumer group and hands each to
 * {@link PendingChecks}. Offsets are committed automatically: the auditor measures, so a change taken and not yet
 * checked when the process stops is simply not measured (at most once), never re-checked late.
 */
final class EventFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventFeed.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<ProductEvent> events;
    private final PendingChecks checks;
    private final ConsistencyMetrics metrics;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean assigned;
    private volatile long lastPollNanos = System.nanoTime();
    /** Why the feed stopped on its own (Kafka refused it, ...); null while it runs. */
    private final AtomicReference<String> failure = new AtomicReference<>();

    EventFeed(Map<String, Object> consumerConfig, Deserializer<ProductEvent> events, PendingChecks checks,
              ConsistencyMetrics metrics) {
        this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        this.events = events;
        this.checks = checks;
        this.metrics = metrics;
        this.thread = new Thread(this::run, "auditor-events");
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.PRODUCT_EVENTS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned = true;
                }
            });
            while (running) {
                var records = consumer.poll(Duration.ofMillis(500));
                lastPollNanos = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    take(record);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            // Refused credentials or rights, a fatal consumer error: the probes say so and the platform restarts it.
            failure.set(e.getClass().getSimpleName() + ": " + e.getMessage());
            log.error("the auditor's consumer stopped: {}", failure.get());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        ProductEvent event;
        try {
            event = record.value() == null ? null : events.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            metrics.event("undecodable").increment();
            log.debug("event at {}-{}@{} not decoded: {}", record.topic(), record.partition(), record.offset(), e.toString());
            return;
        }
        if (event == null || event.getProductId() == null || event.getProductId().isBlank()) {
            metrics.event("undecodable").increment();
            return;
        }
        checks.schedule(Change.of(event));
    }

    /** Null while it runs; why it stopped otherwise. */
    String failure() {
        return failure.get();
    }

    boolean alive() {
        return thread.isAlive() && failure.get() == null;
    }

    /** Partitions assigned and a poll returned within {@code within}. */
    boolean consuming(Duration within) {
        return assigned && System.nanoTime() - lastPollNanos < within.toNanos();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
