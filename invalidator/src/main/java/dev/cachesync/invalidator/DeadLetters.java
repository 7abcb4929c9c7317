package dev.cachesync.invalidator;

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
}
