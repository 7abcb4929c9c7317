package dev.cachesync.catalog.product;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A partial change (JSON Merge Patch semantics): only the fields present are changed; a present null clears
 * a nullable field. Applying it to the current product yields a {@link ProductDraft}, which is validated.
 */
public final class ProductPatch {
    public static final Set<String> FIELDS =
            Set.of("name", "description", "priceCents", "currency", "stock", "categorySlug", "brandSlug");

    private final Map<String, Object> changes;

    private ProductPatch(Map<String, Object> changes) {
        this.changes = Collections.unmodifiableMap(new LinkedHashMap<>(changes));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Set<String> fields() {
        return changes.keySet();
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The draft that results from applying this patch to {@code current}; throws if the result is invalid. */
    public ProductDraft applyTo(Product current) {
        return new ProductDraft(
                pick("name", current.name()),
                pick("description", current.description()),
                pick("priceCents", current.priceCents()),
                pick("currency", current.currency()),
                pick("stock", current.stock()),
                pick("categorySlug", current.categorySlug()),
                pick("brandSlug", current.brandSlug()));
    }

    @SuppressWarnings("unchecked")
    private <T> T pick(String field, T currentValue) {
        return changes.containsKey(field) ? (T) changes.get(field) : currentValue;
    }

    @Override
    public String toString() {
        return "ProductPatch" + changes;
    }

    public static final class Builder {
        private final Map<String, Object> changes = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder name(String name) { changes.put("name", name); return this; }
        public Builder description(String description) { changes.put("description", description); return this; }
        public Builder priceCents(long priceCents) { changes.put("priceCents", priceCents); return this; }
        public Builder currency(String currency) { changes.put("currency", currency); return this; }
        public Builder stock(int stock) { changes.put("stock", stock); return this; }
        public Builder categorySlug(String categorySlug) { changes.put("categorySlug", categorySlug); return this; }
        public Builder brandSlug(String brandSlug) { changes.put("brandSlug", brandSlug); return this; }

        public ProductPatch build() {
            return new ProductPatch(changes);
        }
    }
}
