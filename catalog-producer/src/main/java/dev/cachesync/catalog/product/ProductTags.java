package dev.cachesync.catalog.product;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cache tags of catalog content. Responses carry them in {@code Cache-Tags}; events carry every tag a change
 * touches, so purging an event's tags removes every cached response that showed the old state.
 */
public final class ProductTags {
    /** The project-wide tag syntax. */
    public static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9:_.\\-]{0,127}");
    /** Listing tag of batch responses ({@code GET /products?ids=...}). */
    public static final String BATCH = "products:batch";

    private ProductTags() {
    }

    public static String product(String id) {
        return "product:" + id;
    }

    public static String category(String slug) {
        return "category:" + slug;
    }

    public static String brand(String slug) {
        return "brand:" + slug;
    }

    /** Listing tag of {@code GET /categories/{slug}/products}. */
    public static String categoryList(String slug) {
        return "category-list:" + slug;
    }

    /** What a response showing {@code product} depends on. */
    public static Set<String> of(Product product) {
        Set<String> tags = new LinkedHashSet<>();
        addContentTags(product, tags);
        return tags;
    }

    /** Tags of a response showing several products (in order, without duplicates). */
    public static Set<String> of(Collection<Product> products) {
        Set<String> tags = new LinkedHashSet<>();
        products.forEach(p -> addContentTags(p, tags));
        return tags;
    }

    /**
     * Every tag a change touches: the product, and the categories and brands of both the old and the new state
     * (a move from shoes to boots invalidates both listings).
     */
    public static List<String> touchedBy(Product before, Product after) {
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change needs a before or an after state");
        }
        Set<String> tags = new LinkedHashSet<>();
        tags.add(product(after != null ? after.id() : before.id()));
        for (Product state : new Product[] {before, after}) {
            if (state != null) {
                addContentTags(state, tags);
            }
        }
        return new ArrayList<>(tags);
    }

    public static boolean isValid(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }

    private static void addContentTags(Product product, Set<String> tags) {
        tags.add(product(product.id()));
        tags.add(category(product.categorySlug()));
        if (product.brandSlug() != null) {
            tags.add(brand(product.brandSlug()));
        }
    }
}
