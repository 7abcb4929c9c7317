package dev.cachesync.catalog.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cachesync.catalog.product.ProductChange;

/**
 * The JSON form of a {@link ProductChange} in the outbox's {@code payload} column.
 *
 * <p>Why JSON and not the serialized Avro bytes: the Confluent wire format embeds a schema id, so serializing at
 * commit time would make every catalog write depend on the schema registry being up; the outbox exists so that
 * writes depend on the database alone. JSON also stays readable with plain SQL when someone inspects a stuck
 * row, and the relay builds the Avro {@code ProductEvent} from it with the schema version it is deployed with.
 */
public final class OutboxPayload {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Rows written by a newer release may carry fields this one does not know yet.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private OutboxPayload() {
    }

    public static String toJson(ProductChange change) {
        try {
            return JSON.writeValueAsString(change);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + change, e);
        }
    }

    public static ProductChange fromJson(String json) {
        try {
            return JSON.readValue(json, ProductChange.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable outbox payload: " + e.getOriginalMessage(), e);
        }
    }
}
