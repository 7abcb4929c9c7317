package dev.cachesync.invalidator;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Headers the invalidator adds to a record it sends to the dead-letter topic; the original bytes stay as they were. */
public final class DeadLetters {
    /** A short machine-readable reason: undecodable, missing-product-id, invalid-tag, empty-command, ... */
    public static final String REASON = "cachesync.dlq.reason";
    /** A human-readable explanation. */
    public static final String DETAIL = "cachesync.dlq.detail";
    public static final String SOURCE_TOPIC = "cachesync.dlq.source.topic";
    public static final String SOURCE_PARTITION = "cachesync.dlq.source.partition";
    public static final String SOURCE_OFFSET = "cachesync.dlq.source.offset";

    private DeadLetters() {
    }

    /** The record's own headers plus the reason, the detail and where it came from (partition/offset if known). */
    public static Headers headers(Headers original, String reason, String detail, String topic, Integer partition,
                                  Long offset) {
        Headers headers = new RecordHeaders(original.toArray());
        headers.add(REASON, bytes(reason));
        headers.add(DETAIL, bytes(detail));
        headers.add(SOURCE_TOPIC, bytes(topic));
        if (partition != null && offset != null) {
            headers.add(SOURCE_PARTITION, bytes(String.valueOf(partition)));
            headers.add(SOURCE_OFFSET, bytes(String.valueOf(offset)));
        }
        return headers;
    }

    /** For a record already taken into a batch. */
    public static Headers headers(SourceRecord source, String reason, String detail) {
        return headers(source.headers(), reason, detail, source.topic(), source.partition(), source.offset());
    }

    private static byte[] bytes(String value) {
        return value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
    }
}
