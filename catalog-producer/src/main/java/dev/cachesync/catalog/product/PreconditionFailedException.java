package dev.cachesync.catalog.product;

/** A write's {@link WriteCondition} did not hold; nothing was written. {@code current} may be null. */
public final class PreconditionFailedException extends RuntimeException {
    private final transient Product current;

    public PreconditionFailedException(String productId, Product current) {
        super(current == null
                ? "product " + productId + " does not exist"
                : "product " + productId + " is at version " + current.version());
        this.current = current;
    }

    public Product current() {
        return current;
    }
}
