package dev.cachesync.invalidator;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.cachesync.cache.tags.CacheTag;
import dev.cachesync.cache.tags.CatalogTags;
import dev.cachesync.events.InvalidationCommand;
import dev.cachesync.events.Product;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.registry.SchemaRegistryException;
import dev.cachesync.schemas.registry.UnknownSchemaException;
import dev.cachesync.schemas.serde.WireFormatException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns the raw bytes of an input record into an {@link Invalidation}, or a rejection with the reason that sends
 * the record to the dead-letter topic. Only a record that can never decode is rejected at once (not in the wire
 * format, a corrupt Avro body, a schema this code cannot read). A registry failure is not the record's fault:
 * unreachable, timeouts, any HTTP error (5xx, 408, 429, 401, 403, ...), an answer that is not JSON raise
 * {@link TransientDecodeException} so the record is retried, never dead-lettered; an unknown schema id raises it
 * with {@link TransientDecodeException#unknownSchema()} set (the id may come back, e.g. after an in-memory
 * registry restarted and the producers registered again), retried for a bounded window by {@link DecodeRetries}.
 */
public final class EventDecoder {
    /** The record's verdict: exactly one of invalidation and reason is set. */
    public record Decoded(Invalidation invalidation, String reason, String detail) {
        static Decoded valid(Invalidation invalidation) {
            return new Decoded(invalidation, null, null);
        }

        static Decoded rejected(String reason, String detail) {
            return new Decoded(null, reason, detail);
        }

        public boolean isValid() {
            return invalidation != null;
        }
    }

    /** Decoding failed for a reason outside the record (registry down): retry, do not dead-letter. */
    public static final class TransientDecodeException extends RuntimeException {
        private final boolean unknownSchema;

        TransientDecodeException(String message, Throwable cause, boolean unknownSchema) {
            super(message, cause);
            this.unknownSchema = unknownSchema;
        }

        /** The registry said it does not know the record's schema id. */
        public boolean unknownSchema() {
            return unknownSchema;
        }
    }

    /** Dead-letter reason of a record whose schema id stayed unknown for the whole retry window. */
    public static final String UNKNOWN_SCHEMA = "unknown-schema";

    private final Deserializer<ProductEvent> events;
    private final Deserializer<InvalidationCommand> commands;

    public EventDecoder(Deserializer<ProductEvent> events, Deserializer<InvalidationCommand> commands) {
        this.events = events;
        this.commands = commands;
    }

    public Decoded decodeProductEvent(String topic, byte[] value) {
        ProductEvent event;
        try {
            event = events.deserialize(topic, value);
        } catch (RuntimeException e) {
            return undecodable(e);
        }
        if (event == null) {
            return Decoded.rejected("empty-record", "a record without a value (tombstone) is not a product event");
        }
        if (event.getProductId() == null || event.getProductId().isBlank()) {
            return Decoded.rejected("missing-product-id", "eventId " + event.getEventId() + " has no productId");
        }
        Set<String> tags = new LinkedHashSet<>(event.getTags());
        tags.add(CatalogTags.PRODUCT_PREFIX + event.getProductId()); // checked with the others below
        // The event should list these already; deriving them again means a producer bug cannot leave a
        // category page stale (a move from shoes to boots must purge both).
        addProductTags(tags, event.getBefore());
        addProductTags(tags, event.getAfter());
        String invalid = firstInvalid(tags);
        if (invalid != null) {
            return Decoded.rejected("invalid-tag", "tag '" + invalid + "' does not match " + CacheTag.PATTERN.pattern());
        }
        return Decoded.valid(new Invalidation(event.getEventId(), tags, Set.of(), event.getOccurredAt(),
                event.getProductId(), event.getVersion()));
    }

    public Decoded decodeCommand(String topic, byte[] value) {
        InvalidationCommand command;
        try {
            command = commands.deserialize(topic, value);
        } catch (RuntimeException e) {
            return undecodable(e);
        }
        if (command == null) {
            return Decoded.rejected("empty-record", "a record without a value (tombstone) is not a command");
        }
        if (command.getTags().isEmpty() && command.getKeys().isEmpty()) {
            return Decoded.rejected("empty-command", "command " + command.getCommandId() + " names no tag and no key");
        }
        String invalid = firstInvalid(command.getTags());
        if (invalid != null) {
            return Decoded.rejected("invalid-tag", "tag '" + invalid + "' does not match " + CacheTag.PATTERN.pattern());
        }
        if (command.getKeys().stream().anyMatch(key -> key == null || key.isBlank())) {
            return Decoded.rejected("invalid-key", "command " + command.getCommandId() + " has a blank key");
        }
        Instant requestedAt = command.getRequestedAt() != null ? command.getRequestedAt() : Instant.now();
        return Decoded.valid(new Invalidation(command.getCommandId(), Set.copyOf(command.getTags()),
                Set.copyOf(command.getKeys()), requestedAt, null, 0));
    }

    private static void addProductTags(Set<String> tags, Product product) {
        if (product == null) {
            return;
        }
        tags.add(CatalogTags.CATEGORY_PREFIX + product.getCategorySlug());
        if (product.getBrandSlug() != null) {
            tags.add(CatalogTags.BRAND_PREFIX + product.getBrandSlug());
        }
    }

    private static String firstInvalid(java.util.Collection<String> tags) {
        return tags.stream().filter(tag -> !CacheTag.isValid(tag)).findFirst().orElse(null);
    }

    private static Decoded undecodable(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof WireFormatException) {
                break; // the frame itself is broken: no registry answer can fix it
            }
            if (cause instanceof UnknownSchemaException) {
                throw new TransientDecodeException("schema id unknown to the registry: " + cause.getMessage(), e, true);
            }
            if (cause instanceof SchemaRegistryException) {
                throw new TransientDecodeException("schema registry failed: " + cause.getMessage(), e, false);
            }
        }
        return Decoded.rejected("undecodable", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
