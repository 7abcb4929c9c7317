package dev.cachesync.benchmarks;

import dev.cachesync.cache.tags.CatalogTags;
import dev.cachesync.events.Product;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.events.ProductEventType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The product updates the backlog benchmarks write: products spread over 50 categories, versions counted up. */
final class BacklogEvents {
    private BacklogEvents() {
    }

    /** Version {@code version} of product number {@code product}, whose id is {@code idPrefix + product}. */
    static ProductEvent update(String idPrefix, int product, long version) {
        String id = idPrefix + product;
        Product after = Product.newBuilder().setId(id).setName(id).setPriceCents(100 + version)
                .setCurrency("EUR").setStock(1).setCategorySlug("cat-" + (product % 50)).setBrandSlug(null)
                .setVersion(version).setUpdatedAt(Instant.now()).build();
        return ProductEvent.newBuilder().setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now()).setProductId(id).setVersion(version)
                .setType(ProductEventType.UPDATED).setBefore(after).setAfter(after)
                .setTags(List.of(CatalogTags.product(id), CatalogTags.category(after.getCategorySlug())))
                .setSource("benchmark").build();
    }
}
