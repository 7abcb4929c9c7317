package dev.cachesync.invalidator;

import java.time.Instant;
import java.util.function.Consumer;

import dev.cachesync.schemas.HopHeaders;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each record, dead-letters the bad ones with their reason, and coalesces the good ones into a batch
 * that is purged when it is full, when it is {@code linger} old, or when Kafka Streams commits.
 */
final class InvalidationProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(InvalidationProcessor.class);

    /** How a record's bytes are decoded: product event or command. */
    interface Decode {
        EventDecoder.Decoded apply(EventDecoder decoder, String topic, byte[] value);
    }

    private final String input;
    private final String storeName;
    private final String deadLetterSink;
    private final EventDecoder decoder;
    private final Decode decode;
    private final Consumer<InvalidationBatch> applier;
    private final InvalidatorMetrics metrics;
    private final InvalidatorTopology.Settings settings;
    private final InvalidationBatch batch;
    private final DecodeRetries decodeRetries;
    private final UnappliedInvalidations unapplied;
    private final java.util.function.Predicate<String> appendTimeTopics;
    private String task;
    private ProcessorContext<byte[], byte[]> context;
    private PendingInvalidations pending;

    InvalidationProcessor(String input, String storeName, String deadLetterSink, EventDecoder decoder, Decode decode,
                          Consumer<InvalidationBatch> applier, InvalidatorMetrics metrics,
                          InvalidatorTopology.Settings settings, DecodeRetries decodeRetries,
                          UnappliedInvalidations unapplied, java.util.function.Predicate<String> appendTimeTopics) {
        this.input = input;
        this.storeName = storeName;
        this.deadLetterSink = deadLetterSink;
        this.decoder = decoder;
        this.decode = decode;
        this.applier = applier;
        this.metrics = metrics;
        this.settings = settings;
        this.batch = new InvalidationBatch(new AppliedVersions(settings.rememberedProducts()));
        this.decodeRetries = decodeRetries;
        this.unapplied = unapplied;
        this.appendTimeTopics = appendTimeTopics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.pending = context.getStateStore(storeName);
        this.task = context.taskId().toString();
        pending.bind(batch, applying -> {
            applier.accept(applying);
            unapplied.caughtUp(task);
        });
        if (!settings.linger().isZero()) {
            context.schedule(settings.linger(), PunctuationType.WALL_CLOCK_TIME, now -> {
                if (batch.ageNanos(System.nanoTime()) >= settings.linger().toNanos()) {
                    pending.flush();
                }
            });
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        long receivedAtMicros = HopHeaders.micros(Instant.now());
        String topic = context.recordMetadata().map(m -> m.topic()).orElse(input);
        String recordId = context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse(topic);
        EventDecoder.Decoded decoded = tooManyTags(decodeRetries.decode(recordId,
                () -> decode.apply(decoder, topic, record.value()),
                since -> unapplied.waitingSince(task, since),
                failure -> metrics.decodeRetry(failure.unknownSchema() ? EventDecoder.UNKNOWN_SCHEMA : "registry")));
        if (!decoded.isValid()) {
            deadLetter(record, topic, decoded);
            // Recorded with the batch (or alone, before the commit): left out, its committed offset would stand
            // ahead of Redis' applied one and look like lost purges to the healer.
            context.recordMetadata().ifPresent(m -> batch.skipped(m.topic(), m.partition(), m.offset()));
            if (batch.isEmpty()) {
                unapplied.caughtUp(task);
            }
            return;
        }
        Invalidation invalidation = decoded.invalidation().withArrival(new Invalidation.Arrival(
                HopHeaders.relaySentAtMicros(record.headers()),
                isAppendTime(topic) ? record.timestamp() * 1_000 : null, receivedAtMicros));
        // Bounded by tags as well as by events: one purge never grows past maxBatchTags because of coalescing.
        if (batch.wouldExceed(invalidation, settings.maxBatchTags())) {
            pending.flush();
        }
        InvalidationBatch.Outcome outcome = batch.add(invalidation, source(record, topic), System.nanoTime());
        metrics.event(input, outcome.name());
        if (batch.isEmpty()) {
            unapplied.caughtUp(task); // a duplicate, after a wait for the registry
        } else {
            unapplied.waitingSince(task, System.nanoTime());
        }
        // Only a batch with something to purge is applied early: offsets alone wait for the commit's flush, so a run
        // of duplicates costs no Redis call per record.
        if (!batch.isEmpty() && (batch.size() >= settings.maxBatch() || batch.targets() >= settings.maxBatchTags()
                || settings.linger().isZero() || atTheHead(record))) {
            pending.flush();
        }
    }

    @Override
    public void close() {
        if (task != null) {
            unapplied.caughtUp(task); // the task leaves this instance; what it held is read again by its next owner
        }
    }

    /**
     * True when the record is so recent that the task has (nearly) caught up with its partition: lingering would
     * only delay this purge, with nothing left to coalesce. A clock skew only shifts the choice between lingering
     * and purging at once; either is correct.
     */
    private boolean atTheHead(Record<byte[], byte[]> record) {
        return !settings.caughtUpAge().isZero()
                && System.currentTimeMillis() - record.timestamp() < settings.caughtUpAge().toMillis();
    }

    /** True when {@code topic}'s record timestamps are the broker's append time (LogAppendTime). */
    private boolean isAppendTime(String topic) {
        return appendTimeTopics.test(topic);
    }

    private EventDecoder.Decoded tooManyTags(EventDecoder.Decoded decoded) {
        if (decoded.isValid() && decoded.invalidation().targets() > settings.maxTags()) {
            Invalidation invalidation = decoded.invalidation();
            return EventDecoder.Decoded.rejected(InvalidatorTopology.TOO_MANY_TAGS, invalidation.sourceId() + " names "
                    + invalidation.tags().size() + " tags and " + invalidation.keys().size()
                    + " keys; the limit is " + settings.maxTags() + " (INVALIDATOR_MAX_TAGS): split it");
        }
        return decoded;
    }

    private SourceRecord source(Record<byte[], byte[]> record, String topic) {
        return context.recordMetadata()
                .map(m -> new SourceRecord(topic, m.partition(), m.offset(), record.key(), record.value(), record.headers()))
                .orElseGet(() -> new SourceRecord(topic, -1, -1, record.key(), record.value(), record.headers()));
    }

    private void deadLetter(Record<byte[], byte[]> record, String topic, EventDecoder.Decoded decoded) {
        log.warn("dead-lettering a record from {} ({}): {}", topic, decoded.reason(), decoded.detail());
        metrics.event(input, "dead-lettered");
        metrics.deadLetter(decoded.reason());
        var metadata = context.recordMetadata();
        Headers headers = DeadLetters.headers(record.headers(), decoded.reason(), decoded.detail(), topic,
                metadata.map(m -> m.partition()).orElse(null), metadata.map(m -> m.offset()).orElse(null));
        context.forward(record.withHeaders(headers), deadLetterSink);
    }
}
