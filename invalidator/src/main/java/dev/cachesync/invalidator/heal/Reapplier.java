package dev.cachesync.invalidator.heal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.cachesync.invalidator.AppliedVersions;
import dev.cachesync.invalidator.DecodeRetries;
import dev.cachesync.invalidator.EventDecoder;
import dev.cachesync.invalidator.InvalidationBatch;
import dev.cachesync.invalidator.InvalidatorTopology;
import dev.cachesync.invalidator.SourceRecord;
import dev.cachesync.invalidator.apply.BatchApplier;
import dev.cachesync.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a range of an input partition again, with a consumer of its own (no group, nothing committed), and
 * applies its invalidations in batches bounded like the stream's. Records that do not decode are skipped: they
 * were dead-lettered when the stream first read them. Skipped records and duplicates go into the batch's consumed
 * offsets like the stream's, so that an applier that records offsets would leave no gap either (the healer's
 * applier records none: the healer records the whole range once it is re-applied).
 */
public final class Reapplier implements RedisHealer.Reapply {
    private final Map<String, Object> consumerConfig;
    private final Supplier<EventDecoder> decoders;
    private final DecodeRetries decodeRetries;
    private final BatchApplier applier;
    private final InvalidatorTopology.Settings settings;
    private final BooleanSupplier running;

    /** @param applier one that records no offsets ({@code AppliedLedger.NONE}): the healer records them */
    public Reapplier(Map<String, Object> consumerConfig, Supplier<EventDecoder> decoders, DecodeRetries decodeRetries,
                     BatchApplier applier, InvalidatorTopology.Settings settings, BooleanSupplier running) {
        this.consumerConfig = consumerConfig;
        this.decoders = decoders;
        this.decodeRetries = decodeRetries;
        this.applier = applier;
        this.settings = settings;
        this.running = running;
    }

    /**
     * Applies the invalidations at offsets {@code from..to} (inclusive) of the partition; says how many, and
     * whether the whole range could be read (its start may have been deleted by retention).
     */
    @Override
    public RedisHealer.Reapplied reapply(String topic, int partition, long from, long to) {
        TopicPartition tp = new TopicPartition(topic, partition);
        EventDecoder decoder = decoders.get();
        InvalidationBatch batch = new InvalidationBatch(new AppliedVersions(settings.rememberedProducts()));
        int count = 0;
        boolean complete;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            long last = Math.min(to, consumer.endOffsets(List.of(tp)).get(tp) - 1);
            long first = consumer.beginningOffsets(List.of(tp)).get(tp);
            complete = first <= from;
            consumer.seek(tp, Math.max(from, first));
            while (consumer.position(tp) <= last) {
                if (!running.getAsBoolean()) {
                    throw new IllegalStateException("stopped while re-applying " + tp + " up to " + last);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() > last) {
                        break;
                    }
                    EventDecoder.Decoded decoded = decodeRetries.decode(tp + "@" + record.offset(),
                            () -> topic.equals(Topics.PRODUCT_EVENTS) ? decoder.decodeProductEvent(topic, record.value())
                                    : decoder.decodeCommand(topic, record.value()),
                            since -> { }, failure -> { });
                    if (!decoded.isValid() || decoded.invalidation().targets() > settings.maxTags()) {
                        batch.skipped(topic, partition, record.offset());
                        continue;
                    }
                    if (batch.size() >= settings.maxBatch()
                            || batch.wouldExceed(decoded.invalidation(), settings.maxBatchTags())) {
                        applier.apply(batch);
                    }
                    InvalidationBatch.Outcome outcome = batch.add(decoded.invalidation(), new SourceRecord(topic, partition,
                            record.offset(), record.key(), record.value(), record.headers()), System.nanoTime());
                    if (outcome != InvalidationBatch.Outcome.DUPLICATE) {
                        count++; // a duplicate within the range is purged once
                    }
                }
            }
        }
        applier.apply(batch);
        return new RedisHealer.Reapplied(count, complete);
    }
}
