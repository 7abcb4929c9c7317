package dev.cachesync.catalog.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cachesync.catalog.confirm.InvalidationConfirmer;
import dev.cachesync.catalog.product.FieldError;
import dev.cachesync.catalog.product.Product;
import dev.cachesync.catalog.product.ProductRules;
import dev.cachesync.catalog.product.ProductStore;
import dev.cachesync.catalog.product.ProductTags;
import dev.cachesync.catalog.product.ValidationException;
import dev.cachesync.catalog.product.WriteCondition;
import dev.cachesync.catalog.product.WriteResult;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The catalog's HTTP API on Javalin: reads with HTTP caching headers (Cache-Control, ETag, Last-Modified,
 * Cache-Tags, 304) and writes with optimistic concurrency (If-Match, 412). Bad input gets a 4xx whose JSON body
 * names the field at fault, and nothing is written.
 *
 * <p>A write with {@code Prefer: wait-for-invalidation} (optionally {@code wait=N} seconds, bounded by the
 * configured maximum) is answered once the invalidator confirmed it purged the change, with
 * {@code Preference-Applied: wait-for-invalidation}; after the wait without confirmation it gets its normal answer
 * without {@code Preference-Applied} and {@code Cachesync-Invalidation: unconfirmed}. The write is committed
 * either way.
 *
 * <pre>{@code
 * Javalin app = Javalin.create();
 * CatalogApi.builder(store).cacheControl("public, max-age=30").build().addTo(app);
 * }</pre>
 */
public final class CatalogApi {
    public static final String DEFAULT_CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=30, stale-if-error=300";
    public static final String CACHE_TAGS_HEADER = "Cache-Tags";
    /** Whether the invalidation of a write that asked to wait was confirmed: confirmed, unconfirmed or no-change. */
    public static final String INVALIDATION_HEADER = "Cachesync-Invalidation";
    private static final Pattern TRACE_PARENT = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final ProductStore store;
    private final String cacheControl;
    private final int maxBodyBytes;
    private final int maxBatchIds;
    private final int maxPageSize;
    private final InvalidationConfirmer confirmer;
    private final Duration maxInvalidationWait;

    private CatalogApi(Builder b) {
        this.store = b.store;
        this.cacheControl = b.cacheControl;
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxBatchIds = b.maxBatchIds;
        this.maxPageSize = b.maxPageSize;
        this.confirmer = b.confirmer;
        this.maxInvalidationWait = b.maxInvalidationWait;
    }

    public static Builder builder(ProductStore store) {
        return new Builder(store);
    }

    /** Registers the routes and error mappings ({@link ApiErrors}) on {@code app}; call before it starts. */
    public void addTo(Javalin app) {
        app.get("/products/{id}", this::getProduct);
        app.get("/products", this::getBatch);
        app.get("/categories/{slug}/products", this::getCategory);
        // HEAD answers like GET, headers included, without the body (Jetty drops it); Javalin would otherwise
        // answer every HEAD with a bare 200, even for a missing product, and no validators or tags.
        app.head("/products/{id}", this::getProduct);
        app.head("/products", this::getBatch);
        app.head("/categories/{slug}/products", this::getCategory);
        app.put("/products/{id}", this::putProduct);
        app.patch("/products/{id}", this::patchProduct);
        app.delete("/products/{id}", this::deleteProduct);

        ApiErrors.install(app);
    }

    // ---- reads ----

    private void getProduct(Context ctx) {
        String id = pathId(ctx, "id");
        Product product = store.find(id).orElse(null);
        if (product == null) {
            // Cacheable and tagged: the CREATED event of this id carries product:{id} and purges it.
            ctx.header("Cache-Control", cacheControl);
            ctx.header(CACHE_TAGS_HEADER, ProductTags.product(id));
            ApiErrors.problem(ctx, 404, "not_found", List.of(new FieldError("id", "no product with id '" + id + "'")));
            return;
        }
        cacheable(ctx, HttpCaching.etag(product), product.updatedAt(), ProductTags.of(product), product);
    }

    private void getBatch(Context ctx) {
        List<String> ids = batchIds(ctx);
        Map<String, Product> found = store.findAll(ids);
        List<String> missing = ids.stream().filter(id -> !found.containsKey(id)).toList();
        Set<String> tags = new LinkedHashSet<>();
        tags.add(ProductTags.BATCH);
        ids.forEach(id -> tags.add(ProductTags.product(id))); // missing ones too, so their creation purges this
        tags.addAll(ProductTags.of(found.values()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("products", found.values());
        body.put("missing", missing);
        // No Last-Modified on lists: a product leaving the list (deleted, moved) does not make the newest remaining
        // one newer, so If-Modified-Since would answer 304 to a list that changed. The ETag covers ids and versions.
        cacheable(ctx, HttpCaching.listEtag("ids=" + String.join(",", ids), found.values()), null, tags, body);
    }

    private void getCategory(Context ctx) {
        String slug = pathId(ctx, "slug");
        int limit = intParam(ctx, "limit", 100, 1, maxPageSize);
        String after = ctx.queryParam("after");
        if (after != null) {
            requireParam("after", after);
        }
        List<Product> products = store.findByCategory(slug, after, limit);
        Set<String> tags = new LinkedHashSet<>();
        tags.add(ProductTags.category(slug));
        tags.addAll(ProductTags.of(products));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("category", slug);
        body.put("products", products);
        body.put("next", products.size() == limit ? products.get(products.size() - 1).id() : null);
        cacheable(ctx, HttpCaching.listEtag("category=" + slug + "&after=" + after + "&limit=" + limit, products),
                null, tags, body); // no Last-Modified, see getBatch
    }

    private void cacheable(Context ctx, String etag, Instant lastModified, Collection<String> tags, Object body) {
        ctx.header("Cache-Control", cacheControl);
        ctx.header("ETag", etag);
        if (lastModified != null) {
            ctx.header("Last-Modified", HttpCaching.httpDate(lastModified));
        }
        ctx.header(CACHE_TAGS_HEADER, String.join(",", tags));
        if (HttpCaching.notModified(ctx.header("If-None-Match"), ctx.header("If-Modified-Since"), etag, lastModified)) {
            // No Content-Type: a cache updates its stored response with the 304's headers (RFC 9111 4.3.4), and
            // Javalin's default text/plain would replace the stored application/json.
            ctx.status(304);
            ctx.res().setContentType(null);
            return;
        }
        json(ctx, 200, body);
    }

    // ---- writes ----

    private void putProduct(Context ctx) {
        String id = pathId(ctx, "id");
        var draft = ProductRequests.draft(id, ProductRequests.parseObject(body(ctx)));
        WriteResult result = store.put(id, draft, condition(ctx), traceId(ctx));
        if (result.created()) {
            ctx.header("Location", "/products/" + id);
        }
        answer(ctx, result.created() ? 201 : 200, result);
    }

    private void patchProduct(Context ctx) {
        String id = pathId(ctx, "id");
        var patch = ProductRequests.patch(id, ProductRequests.parseObject(body(ctx)));
        answer(ctx, 200, store.patch(id, patch, condition(ctx), traceId(ctx)));
    }

    private void deleteProduct(Context ctx) {
        String id = pathId(ctx, "id");
        answer(ctx, 204, store.delete(id, condition(ctx), traceId(ctx)));
    }

    /**
     * The answer to a committed write; with {@code Prefer: wait-for-invalidation} only once the invalidator applied
     * it, or the wait ran out. The wait does not hold a server thread.
     */
    private void answer(Context ctx, int status, WriteResult result) {
        Optional<Duration> wait = confirmer == null ? Optional.empty()
                : WaitForInvalidation.requested(java.util.Collections.list(ctx.req().getHeaders("Prefer")),
                        maxInvalidationWait);
        if (wait.isEmpty()) {
            written(ctx, status, result.product());
            return;
        }
        if (!result.changed()) {
            // Nothing new was committed, so nothing of this write is left to purge.
            ctx.header("Preference-Applied", WaitForInvalidation.PREFERENCE);
            ctx.header(INVALIDATION_HEADER, "no-change");
            written(ctx, status, result.product());
            return;
        }
        ctx.future(() -> confirmer.await(result.change().eventId(), wait.get()).thenAccept(confirmed -> {
            if (confirmed) {
                ctx.header("Preference-Applied", WaitForInvalidation.PREFERENCE);
                ctx.header(INVALIDATION_HEADER, "confirmed");
            } else {
                ctx.header(INVALIDATION_HEADER, "unconfirmed");
            }
            written(ctx, status, result.product());
        }));
    }

    private void written(Context ctx, int status, Product product) {
        if (product == null) { // a delete
            ctx.status(status);
            return;
        }
        ctx.header("ETag", HttpCaching.etag(product));
        ctx.header("Last-Modified", HttpCaching.httpDate(product.updatedAt()));
        ctx.header("Cache-Control", "no-store");
        json(ctx, status, product);
    }

    private static WriteCondition condition(Context ctx) {
        return HttpCaching.writeCondition(ctx.header("If-Match"), ctx.header("If-None-Match"));
    }

    /** The body, at most {@code maxBodyBytes}, read from the stream so an oversized body is never buffered whole. */
    private byte[] body(Context ctx) {
        String contentType = ctx.header("Content-Type");
        if (contentType != null && !isJson(contentType)) {
            throw new ApiProblem(415, "unsupported_media_type", "Content-Type",
                    "must be application/json (or application/merge-patch+json for PATCH), was " + contentType);
        }
        String tooLarge = "must be at most " + maxBodyBytes + " bytes";
        if (ctx.req().getContentLengthLong() > maxBodyBytes) {
            throw new ApiProblem(413, "payload_too_large", "body", tooLarge);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw new ApiProblem(413, "payload_too_large", "body", tooLarge);
            }
            return bytes;
        } catch (IOException e) {
            throw ApiProblem.badRequest("body", "could not be read: " + e.getMessage());
        }
    }

    /** {@code application/json} or a JSON-based {@code application/*+json} type, parameters ignored. */
    static boolean isJson(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }

    // ---- parameters ----

    private static String pathId(Context ctx, String name) {
        return requireParam(name, ctx.pathParam(name));
    }

    private static String requireParam(String field, String value) {
        try {
            return ProductRules.requireId(field, value);
        } catch (ValidationException e) {
            throw ApiProblem.badRequest(field, e.errors().get(0).message());
        }
    }

    private List<String> batchIds(Context ctx) {
        Set<String> ids = new LinkedHashSet<>();
        for (String value : ctx.queryParams("ids")) {
            for (String id : value.split(",")) {
                if (!id.isBlank()) {
                    ids.add(requireParam("ids", id.trim()));
                }
            }
        }
        if (ids.isEmpty()) {
            throw ApiProblem.badRequest("ids", "is required: a comma-separated list of product ids, e.g. ?ids=a,b");
        }
        if (ids.size() > maxBatchIds) {
            throw ApiProblem.badRequest("ids", "must name at most " + maxBatchIds + " products, named " + ids.size());
        }
        return new ArrayList<>(ids);
    }

    private static int intParam(Context ctx, String name, int defaultValue, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiProblem.badRequest(name, "must be a whole number from " + min + " to " + max + ", was '" + raw + "'");
    }

    /** The W3C {@code traceparent} trace id, carried into the event for correlation; null if absent or malformed. */
    private static String traceId(Context ctx) {
        String traceparent = ctx.header("traceparent");
        if (traceparent == null) {
            return null;
        }
        var m = TRACE_PARENT.matcher(traceparent.trim());
        return m.matches() ? m.group(1) : null;
    }

    // ---- output ----

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize response", e);
        }
    }

    public static final class Builder {
        private final ProductStore store;
        private String cacheControl = DEFAULT_CACHE_CONTROL;
        private int maxBodyBytes = 64 * 1024;
        private int maxBatchIds = 100;
        private int maxPageSize = 500;
        private InvalidationConfirmer confirmer;
        private Duration maxInvalidationWait = Duration.ofSeconds(10);

        private Builder(ProductStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** {@code Cache-Control} of every cacheable GET response. */
        public Builder cacheControl(String cacheControl) { this.cacheControl = Objects.requireNonNull(cacheControl); return this; }

        /** Larger request bodies get 413. */
        public Builder maxBodyBytes(int maxBodyBytes) { this.maxBodyBytes = positive(maxBodyBytes); return this; }

        /** Most ids one {@code GET /products?ids=} may name. */
        public Builder maxBatchIds(int maxBatchIds) { this.maxBatchIds = positive(maxBatchIds); return this; }

        /** Largest {@code limit} of a category page. */
        public Builder maxPageSize(int maxPageSize) { this.maxPageSize = positive(maxPageSize); return this; }

        /**
         * Honours {@code Prefer: wait-for-invalidation} on writes, waiting at most {@code maxWait} for
         * {@code confirmer}; without it the preference is ignored (as RFC 7240 allows).
         */
        public Builder invalidationConfirmer(InvalidationConfirmer confirmer, Duration maxWait) {
            if (maxWait.isNegative() || maxWait.isZero()) {
                throw new IllegalArgumentException("maxWait must be positive: " + maxWait);
            }
            this.confirmer = Objects.requireNonNull(confirmer, "confirmer");
            this.maxInvalidationWait = maxWait;
            return this;
        }

        public CatalogApi build() {
            return new CatalogApi(this);
        }

        private static int positive(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("must be > 0: " + value);
            }
            return value;
        }
    }
}
