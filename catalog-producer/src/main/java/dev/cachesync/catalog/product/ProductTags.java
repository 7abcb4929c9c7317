package dev.cachesync.catalog.product;

import dev.cachesync.cache.tags.CacheTag;
import dev.cachesync.cache.tags.CatalogTags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cache tags of catalog content, built with the shared vocabulary ({@link CatalogTags}). Responses carry them in {@code Cache-Tags}; events carry every tag a change
 * touches, so purging an event's tags removes every cached response that showed the old state.
 * <p>
 * {@code product:{id}} marks a response showing that product; {@code category:{slug}} and {@code brand:{slug}}
 * mark listings of a category or brand, whose membership a change can alter. A product's own page carries only
 * its product tag: a price change then purges that page and the listings it appears in, not every product of
 * its category and brand (which would empty the cache a little more with every change).
 */
public final class ProductTags {
    /** Listing tag of batch responses ({@code GET /products?ids=...}). */
    public static final String BATCH = CatalogTags.PRODUCT_BATCHES;

    private ProductTags() {
    }

    public static String product(String id) {
        return CatalogTags.product(id);
    }

    public static String category(String slug) {
        return CatalogTags.category(slug);
    }

    public static String brand(String slug) {
        return CatalogTags.brand(slug);
    }

    /** What a response showing {@code product} depends on: that product. */
    public static Set<String> of(Product product) {
        return new LinkedHashSet<>(List.of(product(product.id())));
    }

    /** Tags of a response showing several products (in order, without duplicates). */
    public static Set<String> of(Collection<Product> products) {
        Set<String> tags = new LinkedHashSet<>();
        products.forEach(p -> tags.add(product(p.id())));
        return tags;
    }

    /**
     * Every tag a change touches: the product, and the category and brand listings of both the old and the new
     * state (a move from shoes to boots invalidates both listings).
     */
    public static List<String> touchedBy(Product before, Product after) {
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change needs a before or an after state");
        }
        Set<String> tags = new LinkedHashSet<>();
        tags.add(product(after != null ? after.id() : before.id()));
        for (Product state : new Product[] {before, after}) {
            if (state != null) {
                addListingTags(state, tags);
            }
        }
        return new ArrayList<>(tags);
    }

    /** The project-wide tag grammar ({@link CacheTag#PATTERN}). */
    public static boolean isValid(String tag) {
        return CacheTag.isValid(tag);
    }

    private static void addListingTags(Product product, Set<String> tags) {
        tags.add(category(product.categorySlug()));
        if (product.brandSlug() != null) {
            tags.add(brand(product.brandSlug()));
        }
    }
}
