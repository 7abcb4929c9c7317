package dev.cachesync.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A Kafka record key or value that is not a Confluent wire-format Avro frame (magic byte 0, 4-byte big-endian
 * schema id, Avro binary). {@link #reason()} says which part is wrong; the message says it in words, with the
 * topic. Extends Kafka's {@link SerializationException}, so consumers see it as the cause of a
 * {@link org.apache.kafka.common.errors.RecordDeserializationException} and can skip the record by its offset.
 */
public final class WireFormatException extends SerializationException {

    /** What is wrong with the frame. */
    public enum Reason {
        /** Zero bytes (an empty value is not a tombstone; a tombstone is null). */
        EMPTY,
        /** Shorter than the 5-byte header: magic byte plus 4-byte schema id. */
        TOO_SHORT,
        /** The first byte is not the magic byte 0: not written by a Confluent-compatible serializer. */
        WRONG_MAGIC_BYTE,
        /** The header is fine but the Avro body is truncated, has extra bytes, or does not decode. */
        CORRUPT_BODY
    }

    private final Reason reason;

    WireFormatException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    WireFormatException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
