package dev.cachesync.auditor.check;

import dev.cachesync.cache.http.StoredResponse;

/**
 * Which version of one product a stored catalog response shows: the only place that knows how to read it.
 * The catalog API (catalog-producer {@code CatalogApi}, {@code HttpCaching}) answers
 * <ul>
 * <li>{@code GET /products/{id}}: the product as JSON with its {@code version}, and the strong ETag
 *     {@code "<version>"}; 404 when it does not exist (or was deleted), tagged {@code product:{id}} all the same;</li>
 * <li>{@code GET /products?ids=...} and {@code GET /categories/{slug}/products}: {@code {"products": [...]}} with each
 *     product's {@code id} and {@code version} (their ETag is a hash), plus {@code "missing": [ids]} for a batch.</li>
 * </ul>
 * The body decides; a product page's ETag is read only when its body does not say (a stored HEAD response).
 */
public sealed interface StoredVersion {
    /** The response shows the product at this version. */
    record Known(long version) implements StoredVersion {
    }

    /** The response says the product does not exist (a 404 page, or listed as missing from a batch). */
    record Absent() implements StoredVersion {
    }

    /** Nothing in the response says which version it shows (not a catalog response, or another format). */
    record Unreadable() implements StoredVersion {
    }

    /** Reads it from {@code response}; see above for how. */
    static StoredVersion of(StoredResponse response, String productId) {
        return StoredVersions.read(response, productId);
    }
}
