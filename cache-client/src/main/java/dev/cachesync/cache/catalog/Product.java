package dev.cachesync.cache.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/** A catalog product as the catalog API returns it; fields added later are ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Product(
        String id,
        String name,
        String description,
        long priceCents,
        String currency,
        int stock,
        String categorySlug,
        String brandSlug,
        long version,
        Instant updatedAt) {
}
