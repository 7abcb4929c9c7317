package dev.cachesync.invalidator;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.cachesync.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The invalidator's topology: two independent sub-topologies, one per input topic, each
 * source -> invalidate (batch + purge) -> dead-letter sink for records that cannot be used.
 * Records are decoded in the processor rather than by a source serde so that a poison record and an invalid
 * event take the same path to the dead-letter topic, while a registry outage is retried instead.
 */
public final class InvalidatorTopology {
    /**
     * @param linger             how long a batch may wait for more events before it is purged (0 = no batching)
     * @param maxBatch           how many invalidations a batch may hold before it is purged at once
     * @param rememberedProducts how many products' last applied versions are kept to skip stale events
     */
    public record Settings(Duration linger, int maxBatch, int rememberedProducts) {
        public static Settings defaults() {
            return new Settings(Duration.ofMillis(5), 500, 100_000);
        }
    }

    private InvalidatorTopology() {
    }

    public static Topology build(Settings settings, Supplier<EventDecoder> decoders, Consumer<InvalidationBatch> applier,
                                 InvalidatorMetrics metrics) {
        ByteArrayDeserializer bytesIn = new ByteArrayDeserializer();
        ByteArraySerializer bytesOut = new ByteArraySerializer();
        Topology topology = new Topology();

        topology.addSource("product-events", bytesIn, bytesIn, Topics.PRODUCT_EVENTS);
        topology.addProcessor("invalidate-product-events", () -> new InvalidationProcessor("product-event",
                "pending-product-invalidations", "product-event-dead-letters", decoders.get(),
                EventDecoder::decodeProductEvent, applier, metrics, settings), "product-events");
        topology.addStateStore(PendingInvalidations.builder("pending-product-invalidations"), "invalidate-product-events");
        topology.addSink("product-event-dead-letters", Topics.DEAD_LETTERS, bytesOut, bytesOut, "invalidate-product-events");

        topology.addSource("invalidation-commands", bytesIn, bytesIn, Topics.INVALIDATION_COMMANDS);
        topology.addProcessor("invalidate-commands", () -> new InvalidationProcessor("command",
                "pending-command-invalidations", "command-dead-letters", decoders.get(),
                EventDecoder::decodeCommand, applier, metrics, settings), "invalidation-commands");
        topology.addStateStore(PendingInvalidations.builder("pending-command-invalidations"), "invalidate-commands");
        topology.addSink("command-dead-letters", Topics.DEAD_LETTERS, bytesOut, bytesOut, "invalidate-commands");
        return topology;
    }
}
