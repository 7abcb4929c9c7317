package dev.cachesync.catalog.publish;

import dev.cachesync.catalog.product.ChangeType;
import dev.cachesync.catalog.product.Product;
import dev.cachesync.catalog.product.ProductChange;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.events.ProductEventType;

/** Maps {@link ProductChange}s to the Avro {@link ProductEvent} of {@code catalog.product-events.v1} and back. Pure. */
public final class ProductEvents {
    private ProductEvents() {
    }

    public static ProductEvent toAvro(ProductChange change) {
        return ProductEvent.newBuilder()
                .setEventId(change.eventId())
                .setOccurredAt(change.occurredAt())
                .setProductId(change.productId())
                .setVersion(change.version())
                .setType(ProductEventType.valueOf(change.type().name()))
                .setBefore(toAvro(change.before()))
                .setAfter(toAvro(change.after()))
                .setTags(change.tags())
                .setSource(change.source())
                .setTraceId(change.traceId())
                .build();
    }

    public static ProductChange fromAvro(ProductEvent event) {
        return new ProductChange(event.getEventId(), ChangeType.valueOf(event.getType().name()), event.getProductId(),
                event.getVersion(), event.getOccurredAt(), fromAvro(event.getBefore()), fromAvro(event.getAfter()),
                event.getTags(), event.getSource(), event.getTraceId());
    }

    static dev.cachesync.events.Product toAvro(Product p) {
        if (p == null) {
            return null;
        }
        return dev.cachesync.events.Product.newBuilder()
                .setId(p.id())
                .setName(p.name())
                .setDescription(p.description())
                .setPriceCents(p.priceCents())
                .setCurrency(p.currency())
                .setStock(p.stock())
                .setCategorySlug(p.categorySlug())
                .setBrandSlug(p.brandSlug())
                .setVersion(p.version())
                .setUpdatedAt(p.updatedAt())
                .build();
    }

    static Product fromAvro(dev.cachesync.events.Product p) {
        if (p == null) {
            return null;
        }
        return new Product(p.getId(), p.getName(), p.getDescription(), p.getPriceCents(), p.getCurrency(), p.getStock(),
                p.getCategorySlug(), p.getBrandSlug(), p.getVersion(), p.getUpdatedAt());
    }
}
