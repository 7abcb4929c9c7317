package dev.cachesync.catalog.product;

import dev.cachesync.cache.tags.CacheTag;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One committed change of one product: what the outbox stores and what becomes a {@code ProductEvent}.
 *
 * @param version    the product version after the change (a delete also advances it), strictly increasing
 * @param occurredAt commit time of the change
 * @param tags       every cache tag the change touches, see {@link ProductTags#touchedBy}
 */
public record ProductChange(
        String eventId,
        ChangeType type,
        String productId,
        long version,
        Instant occurredAt,
        Product before,
        Product after,
        List<String> tags,
        String source,
        String traceId) {

    public ProductChange {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(source, "source");
        tags = List.copyOf(tags);
        if (type == ChangeType.CREATED && (before != null || after == null)
                || type == ChangeType.UPDATED && (before == null || after == null)
                || type == ChangeType.DELETED && (before == null || after != null)) {
            throw new IllegalArgumentException(type + " does not fit before=" + before + ", after=" + after);
        }
        for (String tag : tags) {
            if (!ProductTags.isValid(tag)) {
                throw new IllegalArgumentException("invalid cache tag '" + tag + "', must match " + CacheTag.PATTERN.pattern());
            }
        }
    }

    /**
     * The change from {@code before} to {@code after} (either may be null, not both), with a fresh event id and
     * the tags computed from both states. For a delete, {@code deletedVersion} is the version the delete
     * advanced the product to; otherwise it is ignored and {@code after.version()} is used.
     */
    public static ProductChange between(Product before, Product after, long deletedVersion, Instant occurredAt,
                                        String source, String traceId) {
        ChangeType type = before == null ? ChangeType.CREATED : after == null ? ChangeType.DELETED : ChangeType.UPDATED;
        String productId = after != null ? after.id() : before.id();
        long version = after != null ? after.version() : deletedVersion;
        if (before != null && version <= before.version()) {
            throw new IllegalArgumentException("version must increase: " + before.version() + " -> " + version);
        }
        return new ProductChange(UUID.randomUUID().toString(), type, productId, version, occurredAt, before, after,
                ProductTags.touchedBy(before, after), source, traceId);
    }
}
