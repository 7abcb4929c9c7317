package dev.cachesync.catalog.product;

/**
 * Outcome of a write. {@code change} is null when the request left the product as it was (no new version,
 * no event); {@code product} is the state after the write, null after a delete.
 */
public record WriteResult(Product product, ProductChange change) {
    public boolean created() {
        return change != null && change.type() == ChangeType.CREATED;
    }

    public boolean changed() {
        return change != null;
    }
}
