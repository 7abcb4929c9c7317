package dev.cachesync.catalog.product;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The editable fields of a product, as a client sends them in a PUT. Valid by construction: the constructor
 * throws {@link ValidationException} naming every field at fault.
 */
public record ProductDraft(
        String name,
        String description,
        long priceCents,
        String currency,
        int stock,
        String categorySlug,
        String brandSlug) {

    public ProductDraft {
        List<FieldError> errors = new ArrayList<>();
        ProductRules.check(new Unchecked(name, description, priceCents, currency, stock, categorySlug, brandSlug), errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
    }

    /** The product this draft becomes at {@code version}. */
    public Product toProduct(String id, long version, Instant updatedAt) {
        return new Product(id, name, description, priceCents, currency, stock, categorySlug, brandSlug, version, updatedAt);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Same fields, no checks: lets {@link ProductRules} inspect raw values before a draft exists. */
    record Unchecked(String name, String description, long priceCents, String currency, int stock,
                     String categorySlug, String brandSlug) {
    }

    /** Convenience for code and tests that build drafts field by field. */
    public static final class Builder {
        private String name;
        private String description;
        private long priceCents;
        private String currency = ProductRules.DEFAULT_CURRENCY;
        private int stock;
        private String categorySlug;
        private String brandSlug;

        private Builder() {
        }

        public Builder name(String name) { this.name = name; return this; }
        public Builder description(String description) { this.description = description; return this; }
        public Builder priceCents(long priceCents) { this.priceCents = priceCents; return this; }
        public Builder currency(String currency) { this.currency = currency; return this; }
        public Builder stock(int stock) { this.stock = stock; return this; }
        public Builder categorySlug(String categorySlug) { this.categorySlug = categorySlug; return this; }
        public Builder brandSlug(String brandSlug) { this.brandSlug = brandSlug; return this; }

        public ProductDraft build() {
            return new ProductDraft(name, description, priceCents, currency, stock, categorySlug, brandSlug);
        }
    }
}
