package dev.cachesync.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The Kafka record headers that carry an invalidation's hop timestamps between processes (docs/protocol.md,
 * "Per-hop lag"). A header rather than an event field: the time a record is handed to the producer is known only
 * after the event was serialized, and a header leaves the event's schema (and its registered id) alone.
 * Values are decimal ASCII, readable by any client.
 */
public final class HopHeaders {
    /** When the outbox relay handed the record to its producer, in microseconds since the epoch. */
    public static final String RELAY_SENT_AT_MICROS = "cachesync.relay.sent-at-micros";

    private HopHeaders() {
    }

    /** Microseconds since the epoch of {@code instant}. */
    public static long micros(Instant instant) {
        return TimeUnit.SECONDS.toMicros(instant.getEpochSecond()) + instant.getNano() / 1_000;
    }

    /** The header's value for {@code instant}. */
    public static byte[] encode(Instant instant) {
        return Long.toString(micros(instant)).getBytes(StandardCharsets.US_ASCII);
    }

    /** The relay's send time in {@code headers}, in epoch microseconds, or null when absent or malformed. */
    public static Long relaySentAtMicros(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(RELAY_SENT_AT_MICROS);
        if (header == null || header.value() == null) {
            return null;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return null; // another producer's header of the same name: no hop, never a failed record
        }
    }
}
