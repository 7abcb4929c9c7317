package dev.cachesync.invalidator;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Predicate;
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
     * @param maxBatchTags       how many tags and keys a batch may name before it is purged at once
     * @param maxTags            the most tags and keys one invalidation may name; above it, it is dead-lettered
     *                           ({@value #TOO_MANY_TAGS})
     * @param rememberedProducts how many products' last applied versions are kept to skip stale events
     * @param caughtUpAge        a record taken less than this after its Kafka timestamp means the task has reached
     *                           the head of its partition: the batch is purged at once instead of lingering, since
     *                           no more records are waiting to join it (0 = always linger). Behind the head (a
     *                           backlog) records are older, and batches fill as before.
     */
    public record Settings(Duration linger, int maxBatch, int maxBatchTags, int maxTags, int rememberedProducts,
                           Duration caughtUpAge) {
        public Settings {
            if (maxBatch < 1 || maxBatchTags < 1 || maxTags < 1) {
                throw new IllegalArgumentException("batch and tag limits must be >= 1, were maxBatch=" + maxBatch
                        + " maxBatchTags=" + maxBatchTags + " maxTags=" + maxTags);
            }
            if (caughtUpAge == null || caughtUpAge.isNegative()) {
                throw new IllegalArgumentException("caughtUpAge must be zero or positive, was " + caughtUpAge);
            }
        }

        /** Always lingering (no purge at once at the head of a partition). */
        public Settings(Duration linger, int maxBatch, int maxBatchTags, int maxTags, int rememberedProducts) {
            this(linger, maxBatch, maxBatchTags, maxTags, rememberedProducts, Duration.ZERO);
        }

        public static Settings defaults() {
            return new Settings(Duration.ofMillis(5), 500, DEFAULT_MAX_BATCH_TAGS, DEFAULT_MAX_TAGS, 100_000,
                    DEFAULT_CAUGHT_UP_AGE);
        }
    }

    /** Default {@link Settings#caughtUpAge()}: see docs/design-decisions.md, "Purge at once at the head". */
    public static final Duration DEFAULT_CAUGHT_UP_AGE = Duration.ofMillis(200);
    /** Default bound of the tags and keys of one batch. */
    public static final int DEFAULT_MAX_BATCH_TAGS = 5_000;
    /** Default limit of the tags and keys of one invalidation (a command, usually). */
    public static final int DEFAULT_MAX_TAGS = 10_000;
    /** Dead-letter reason of an invalidation above {@link Settings#maxTags()}. */
    public static final String TOO_MANY_TAGS = "too-many-tags";

    private InvalidatorTopology() {
    }

    /**
     * @param decodeRetries how registry failures are retried (shared by every task of the instance)
     * @param unapplied     where tasks report since when they hold unapplied invalidations (for readiness)
     */
    public static Topology build(Settings settings, Supplier<EventDecoder> decoders, Consumer<InvalidationBatch> applier,
                                 InvalidatorMetrics metrics, DecodeRetries decodeRetries,
                                 UnappliedInvalidations unapplied) {
        return build(settings, decoders, applier, metrics, decodeRetries, unapplied, topic -> false);
    }

    /**
     * @param appendTimeTopics the input topics whose record timestamps are the broker's append time
     *                         ({@code message.timestamp.type=LogAppendTime}): the Kafka-append hop is read from them
     */
    public static Topology build(Settings settings, Supplier<EventDecoder> decoders, Consumer<InvalidationBatch> applier,
                                 InvalidatorMetrics metrics, DecodeRetries decodeRetries,
                                 UnappliedInvalidations unapplied, Predicate<String> appendTimeTopics) {
        Shared shared = new Shared(settings, decoders, applier, metrics, decodeRetries, unapplied, appendTimeTopics);
        Topology topology = new Topology();
        addPath(topology, "product-event", Topics.PRODUCT_EVENTS, EventDecoder::decodeProductEvent, shared);
        addPath(topology, "command", Topics.INVALIDATION_COMMANDS, EventDecoder::decodeCommand, shared);
        return topology;
    }

    /** What every path's processors share. */
    private record Shared(Settings settings, Supplier<EventDecoder> decoders, Consumer<InvalidationBatch> applier,
                          InvalidatorMetrics metrics, DecodeRetries decodeRetries, UnappliedInvalidations unapplied,
                          Predicate<String> appendTimeTopics) {
    }

    /** One sub-topology: source -> invalidate (with its pending-batch store) -> dead-letter sink. */
    private static void addPath(Topology topology, String input, String topic, InvalidationProcessor.Decode decode,
                                Shared shared) {
        String source = input + "s";
        String processor = "invalidate-" + input + "s";
        String store = "pending-" + input + "-invalidations";
        String deadLetters = input + "-dead-letters";
        topology.addSource(source, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topic);
        topology.addProcessor(processor, () -> new InvalidationProcessor(input, store, deadLetters,
                shared.decoders().get(), decode, shared.applier(), shared.metrics(), shared.settings(),
                shared.decodeRetries(), shared.unapplied(), shared.appendTimeTopics()), source);
        topology.addStateStore(PendingInvalidations.builder(store), processor);
        topology.addSink(deadLetters, Topics.DEAD_LETTERS, new ByteArraySerializer(), new ByteArraySerializer(), processor);
    }
}
