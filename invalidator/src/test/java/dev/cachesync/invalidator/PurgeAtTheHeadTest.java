package dev.cachesync.invalidator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch lingers only while the task is behind the head of its partition: a record taken within
 * {@code caughtUpAge} of its Kafka timestamp is purged at once, with whatever waited in the batch; older records
 * (a backlog) keep coalescing.
 */
class PurgeAtTheHeadTest {
    private static final long NOW = System.currentTimeMillis();
    private final Map<String, ProductEvent> eventsByBytes = new HashMap<>();
    private final List<Integer> purgedBatchSizes = new ArrayList<>();
    private MockProcessorContext<byte[], byte[]> context;

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "purge-at-the-head");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        context = new MockProcessorContext<>(props, new TaskId(0, 0), null);
    }

    private InvalidationProcessor processor(Duration caughtUpAge) {
        PendingInvalidations store = PendingInvalidations.builder("pending").build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        EventDecoder decoder = new EventDecoder(
                (topic, bytes) -> eventsByBytes.get(new String(bytes, StandardCharsets.UTF_8)),
                (topic, bytes) -> null);
        // A linger of an hour: nothing here is purged by the punctuator, only by the rules under test.
        var settings = new InvalidatorTopology.Settings(Duration.ofHours(1), 500, 5_000, 10_000, 1_000, caughtUpAge);
        InvalidationProcessor processor = new InvalidationProcessor("product-event", "pending", "dead-letters",
                decoder, EventDecoder::decodeProductEvent, batch -> {
                    purgedBatchSizes.add(batch.size());
                    batch.markApplied();
                }, new InvalidatorMetrics(new SimpleMeterRegistry()), settings,
                new DecodeRetries(Duration.ofMinutes(5), DecodeRetries.DEFAULT_BACKOFF, () -> true, System::nanoTime),
                UnappliedInvalidations.systemClock(), topic -> true);
        processor.init(context);
        return processor;
    }

    private Record<byte[], byte[]> record(String productId, long timestamp) {
        ProductEvent event = InvalidatorTopologyTest.event(productId, 1, null,
                InvalidatorTopologyTest.product(productId, "shoes", null), List.of("product:" + productId));
        eventsByBytes.put(event.getEventId(), event);
        context.setRecordMetadata(Topics.PRODUCT_EVENTS, 0, eventsByBytes.size());
        return new Record<>(productId.getBytes(StandardCharsets.UTF_8),
                event.getEventId().getBytes(StandardCharsets.UTF_8), timestamp);
    }

    @Test
    void aBacklogCoalescesAndTheFirstRecordAtTheHeadPurgesAtOnceWithIt() {
        InvalidationProcessor processor = processor(Duration.ofMillis(200));

        processor.process(record("old-1", NOW - 60_000));
        processor.process(record("old-2", NOW - 59_000));
        assertThat(purgedBatchSizes).as("behind the head: the batch waits for more").isEmpty();

        processor.process(record("fresh", System.currentTimeMillis()));
        assertThat(purgedBatchSizes).as("at the head: nothing more to wait for").containsExactly(3);

        processor.process(record("fresh-again", System.currentTimeMillis()));
        assertThat(purgedBatchSizes).containsExactly(3, 1);
    }

    @Test
    void withoutACaughtUpAgeEvenAFreshRecordLingers() {
        InvalidationProcessor processor = processor(Duration.ZERO);

        processor.process(record("fresh", System.currentTimeMillis()));

        assertThat(purgedBatchSizes).isEmpty();
    }
}
