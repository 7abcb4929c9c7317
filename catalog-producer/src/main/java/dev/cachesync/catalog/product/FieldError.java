package dev.cachesync.catalog.product;

/** One problem with one input field, e.g. {@code priceCents: must be >= 0}. */
public record FieldError(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
