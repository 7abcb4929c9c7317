package dev.cachesync.auditor.check;

import dev.cachesync.events.ProductEvent;
import dev.cachesync.events.ProductEventType;

/**
 * One catalog change the cache is checked against: the product, its version after the change (a delete advances
 * it too) and whether it was a delete.
 */
public record Change(String productId, long version, boolean deleted) {

    public static Change of(ProductEvent event) {
        return new Change(event.getProductId(), event.getVersion(), event.getType() == ProductEventType.DELETED);
    }
}
