package dev.cachesync.invalidator;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

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
    private ProcessorContext<byte[], byte[]> context;
    private PendingInvalidations pending;

    InvalidationProcessor(String input, String storeName, String deadLetterSink, EventDecoder decoder, Decode decode,
                          Consumer<InvalidationBatch> applier, InvalidatorMetrics metrics,
                          InvalidatorTopology.Settings settings) {
        this.input = input;
        this.storeName = storeName;
        this.deadLetterSink = deadLetterSink;
        this.decoder = decoder;
        this.decode = decode;
        this.applier = applier;
        this.metrics = metrics;
        this.settings = settings;
        this.batch = new InvalidationBatch(new AppliedVersions(settings.rememberedProducts()));
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.pending = context.getStateStore(storeName);
        pending.bind(batch, applier);
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
        String topic = context.recordMetadata().map(m -> m.topic()).orElse(input);
        EventDecoder.Decoded decoded = decode.apply(decoder, topic, record.value());
        if (!decoded.isValid()) {
            deadLetter(record, topic, decoded);
            return;
        }
        InvalidationBatch.Outcome outcome = batch.add(decoded.invalidation(), System.nanoTime());
        metrics.event(input, outcome.name().toLowerCase());
        if (batch.size() >= settings.maxBatch() || settings.linger().isZero()) {
            pending.flush();
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, String topic, EventDecoder.Decoded decoded) {
        log.warn("dead-lettering a record from {} ({}): {}", topic, decoded.reason(), decoded.detail());
        metrics.event(input, "dead-lettered");
        metrics.deadLetter(decoded.reason());
        Headers headers = record.headers();
        headers.add(DeadLetters.REASON, bytes(decoded.reason()));
        headers.add(DeadLetters.DETAIL, bytes(decoded.detail()));
        headers.add(DeadLetters.SOURCE_TOPIC, bytes(topic));
        context.recordMetadata().ifPresent(m -> {
            headers.add(DeadLetters.SOURCE_PARTITION, bytes(String.valueOf(m.partition())));
            headers.add(DeadLetters.SOURCE_OFFSET, bytes(String.valueOf(m.offset())));
        });
        context.forward(record.withHeaders(headers), deadLetterSink);
    }

    private static byte[] bytes(String value) {
        return value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
    }
}
