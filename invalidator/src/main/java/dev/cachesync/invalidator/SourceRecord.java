package dev.cachesync.invalidator;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The input record an invalidation was decoded from, kept with it in the batch so that, if its purge can never
 * succeed, it can be dead-lettered unchanged (bytes and headers) with where it came from.
 */
public record SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers) {
    public SourceRecord {
        headers = new RecordHeaders(headers == null ? new RecordHeaders().toArray() : headers.toArray());
    }
}
