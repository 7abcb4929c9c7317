package dev.cachesync.faults;

import dev.cachesync.devstack.TopicContents;
import dev.cachesync.invalidator.DeadLetters;
import dev.cachesync.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The dead-letter topic of a {@link FaultStack}, read from the start. */
final class DeadLetterRecords {
    private DeadLetterRecords() {
    }

    static List<ConsumerRecord<byte[], byte[]>> all(FaultStack stack) {
        return TopicContents.readAll(stack.kafka(), Topics.DEAD_LETTERS, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** Dead letters of catalog product events: each one an invalidation skipped. */
    static long productEvents(List<ConsumerRecord<byte[], byte[]>> deadLetters) {
        return deadLetters.stream()
                .filter(record -> Topics.PRODUCT_EVENTS.equals(header(record, DeadLetters.SOURCE_TOPIC))).count();
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
