package dev.cachesync.cache.tags;

/**
 * The catalog's tag vocabulary, the one set of constructors the catalog service (on its responses and events),
 * the invalidator (deriving tags from events) and order services (purging by hand) use, so a tag written by one
 * is the tag purged by the others.
 * <ul>
 *   <li>{@code product:{id}}: a response showing that product;</li>
 *   <li>{@code category:{slug}} and {@code brand:{slug}}: listings of a category or brand, whose membership a
 *       change can alter;</li>
 *   <li>{@link #PRODUCT_BATCHES}: the batch listing {@code GET /products?ids=...}.</li>
 * </ul>
 * Every value they build is checked against the {@link CacheTag} grammar.
 */
public final class CatalogTags {

    public static final String PRODUCT_PREFIX = "product:";
    public static final String CATEGORY_PREFIX = "category:";
    public static final String BRAND_PREFIX = "brand:";
    /** Listing tag of batch responses ({@code GET /products?ids=...}). */
    public static final String PRODUCT_BATCHES = "products:batch";

    private CatalogTags() {
    }

    public static String product(String id) {
        return checked(PRODUCT_PREFIX, id);
    }

    public static String category(String slug) {
        return checked(CATEGORY_PREFIX, slug);
    }

    public static String brand(String slug) {
        return checked(BRAND_PREFIX, slug);
    }

    private static String checked(String prefix, String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException(prefix + " tag needs a value, was " + (id == null ? "null" : "empty"));
        }
        String tag = prefix + id;
        if (!CacheTag.isValid(tag)) {
            throw new IllegalArgumentException("invalid cache tag '" + tag + "': must match " + CacheTag.PATTERN.pattern());
        }
        return tag;
    }
}
