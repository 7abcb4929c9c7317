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
        Topology topology = new Topology();
        addPath(topology, "product-event", Topics.PRODUCT_EVENTS, EventDecoder::decodeProductEvent,
                decoders, applier, metrics, settings);
        addPath(topology, "command", Topics.INVALIDATION_COMMANDS, EventDecoder::decodeCommand,
                decoders, applier, metrics, settings);
        return topology;
    }

    /** One sub-topology: source -> invalidate (with its pending-batch store) -> dead-letter sink. */
    private static void addPath(Topology topology, String input, String topic, InvalidationProcessor.Decode decode,
                                Supplier<EventDecoder> decoders, Consumer<InvalidationBatch> applier,
                                InvalidatorMetrics metrics, Settings settings) {
        String source = input + "s";
        String processor = "invalidate-" + input + "s";
        String store = "pending-" + input + "-invalidations";
        String deadLetters = input + "-dead-letters";
        topology.addSource(source, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topic);
        topology.addProcessor(processor, () -> new InvalidationProcessor(input, store, deadLetters, decoders.get(),
                decode, applier, metrics, settings), source);
        topology.addStateStore(PendingInvalidations.builder(store), processor);
        topology.addSink(deadLetters, Topics.DEAD_LETTERS, new ByteArraySerializer(), new ByteArraySerializer(), processor);
    }
}
