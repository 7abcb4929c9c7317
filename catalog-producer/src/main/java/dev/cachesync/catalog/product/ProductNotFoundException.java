package dev.cachesync.catalog.product;

/** A PATCH or DELETE named a product that does not exist (or was deleted). */
public final class ProductNotFoundException extends RuntimeException {
    private final String productId;

    public ProductNotFoundException(String productId) {
        super("no product with id '" + productId + "'");
        this.productId = productId;
    }

    public String productId() {
        return productId;
    }
}
