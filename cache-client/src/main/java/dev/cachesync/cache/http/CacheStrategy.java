package dev.cachesync.cache.http;

import dev.cachesync.cache.http.CacheDecision.Action;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The pure RFC 9111 decisions of a shared cache: reuse, revalidate or fetch; store or not, for how long,
 * under which Vary values; how a 304 refreshes a stored response. No I/O; time is a parameter.
 *
 * <p>Choices where the RFCs leave room (documented so users are not surprised):
 * <ul>
 *   <li>No heuristic freshness (lifetime 0 without explicit freshness).</li>
 *   <li>{@code must-revalidate} and {@code proxy-revalidate} forbid every stale reuse, including
 *       {@code stale-while-revalidate}, {@code stale-if-error} and the client's {@code max-stale}.
 *       {@code s-maxage} implies proxy-revalidate only for {@code max-stale}: an explicit
 *       {@code stale-while-revalidate} / {@code stale-if-error} from the origin is a later, more specific
 *       permission (RFC 5861: "regardless of other freshness information").</li>
 *   <li>{@code private} (even field-qualified) is never stored; {@code no-cache} is stored but always
 *       revalidated.</li>
 *   <li>Only GET responses are stored; a HEAD is answered from a stored GET.</li>
 * </ul>
 */
public final class CacheStrategy {

    /** Statuses that may be stored without explicit freshness (RFC 9110 15.1 "heuristically cacheable"). */
    private static final Set<Integer> HEURISTICALLY_CACHEABLE = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410,
            414, 501);
    /** Fields a 304 must not overwrite in the stored response (RFC 9111 3.2). */
    private static final Set<String> NOT_UPDATED_BY_304 = Set.of("content-length", "content-encoding",
            "content-range", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "set-cookie");
    /** A cookie is set for one user: never stored, never replayed to another. */
    private static final String SET_COOKIE = "Set-Cookie";

    /** Default of {@link #maxEntryLifetimeMillis()}: 24 hours. */
    public static final long DEFAULT_MAX_ENTRY_LIFETIME_MILLIS = 24 * 60 * 60 * 1000L;

    private final long staleRetentionMillis;
    private final long maxEntryLifetimeMillis;
    private final boolean storeSetCookieResponses;

    /**
     * @param staleRetentionMillis how long a stale response that has a validator is kept for revalidation
     *                             beyond its freshness and stale-* windows
     */
    public CacheStrategy(long staleRetentionMillis) {
        this(staleRetentionMillis, DEFAULT_MAX_ENTRY_LIFETIME_MILLIS);
    }

    /**
     * @param maxEntryLifetimeMillis hard cap on how long after its fill (response time) a stored response may be
     *                               served at all, fresh or stale; the store keeps nothing longer. It bounds how
     *                               long purge fences must be kept (see {@code CacheStore.pruneFences}).
     */
    public CacheStrategy(long staleRetentionMillis, long maxEntryLifetimeMillis) {
        this(staleRetentionMillis, maxEntryLifetimeMillis, false);
    }

    /**
     * @param storeSetCookieResponses store responses that carry {@code Set-Cookie}, with that field removed
     *                                (default false: such responses are not stored at all)
     */
    public CacheStrategy(long staleRetentionMillis, long maxEntryLifetimeMillis, boolean storeSetCookieResponses) {
        if (maxEntryLifetimeMillis <= 0) {
            throw new IllegalArgumentException("maxEntryLifetime must be positive, was " + maxEntryLifetimeMillis
                    + " ms");
        }
        this.staleRetentionMillis = Math.max(0, staleRetentionMillis);
        this.maxEntryLifetimeMillis = maxEntryLifetimeMillis;
        this.storeSetCookieResponses = storeSetCookieResponses;
    }

    public long maxEntryLifetimeMillis() {
        return maxEntryLifetimeMillis;
    }

    /**
     * The one place the lifetime cap is decided: a response filled more than {@code maxEntryLifetime} ago is
     * never served (not fresh, not stale-while-revalidate, stale-if-error or max-stale) and not retained.
     */
    public boolean pastLifetimeCap(StoredResponse stored, long nowMillis) {
        return nowMillis - stored.responseTimeMillis() > maxEntryLifetimeMillis;
    }

    public CacheDecision decide(CacheRequest request, StoredResponse stored, long nowMillis) {
        if (!request.isCacheableMethod()) {
            return new CacheDecision(Action.PASS_THROUGH, null, request.method() + " is not cached");
        }
        if (stored == null) {
            return new CacheDecision(Action.FETCH, null, "nothing stored");
        }
        CacheControl requestCc = CacheControl.parse(request.headers());
        CacheControl responseCc = stored.cacheControl();
        Action miss = stored.hasValidator() ? Action.REVALIDATE : Action.FETCH;
        if (pastLifetimeCap(stored, nowMillis)) {
            return new CacheDecision(miss, stored, "older than maxEntryLifetime");
        }
        if (responseCc.noCache()) {
            return new CacheDecision(miss, stored, "response no-cache");
        }
        if (requestCc.noCache()) {
            return new CacheDecision(miss, stored, "request no-cache");
        }
        long age = FreshnessPolicy.currentAgeMillis(stored, nowMillis);
        long lifetime = FreshnessPolicy.freshnessLifetimeMillis(stored);
        if (age < lifetime) {
            if (requestCc.maxAge().isPresent() && age > requestCc.maxAge().getAsLong() * 1000) {
                return new CacheDecision(miss, stored, "older than request max-age");
            }
            if (requestCc.minFresh().isPresent() && lifetime - age < requestCc.minFresh().getAsLong() * 1000) {
                return new CacheDecision(miss, stored, "less fresh than request min-fresh");
            }
            return new CacheDecision(Action.SERVE, stored, "fresh");
        }
        long staleness = age - lifetime;
        if (!forbidsStale(responseCc)) {
            boolean clientAcceptsStale = requestCc.maxStaleAny()
                    || (requestCc.maxStale().isPresent() && staleness <= requestCc.maxStale().getAsLong() * 1000);
            if (clientAcceptsStale && responseCc.sMaxAge().isEmpty()) {
                return new CacheDecision(Action.SERVE_STALE, stored, "stale within request max-stale");
            }
            if (responseCc.staleWhileRevalidate().isPresent()
                    && staleness <= responseCc.staleWhileRevalidate().getAsLong() * 1000) {
                return new CacheDecision(Action.SERVE_STALE_AND_REVALIDATE_IN_BACKGROUND, stored,
                        "stale within stale-while-revalidate");
            }
        }
        return new CacheDecision(miss, stored, "stale");
    }

    /** May {@code stored} answer {@code request} because the origin failed (5xx, timeout, unreachable)? */
    public boolean mayServeStaleOnError(CacheRequest request, StoredResponse stored, long nowMillis) {
        if (stored == null || pastLifetimeCap(stored, nowMillis)) {
            return false;
        }
        CacheControl responseCc = stored.cacheControl();
        if (forbidsStale(responseCc)) {
            return false;
        }
        long staleness = FreshnessPolicy.currentAgeMillis(stored, nowMillis)
                - FreshnessPolicy.freshnessLifetimeMillis(stored);
        long allowed = Math.max(responseCc.staleIfError().orElse(-1),
                CacheControl.parse(request.headers()).staleIfError().orElse(-1));
        if (staleness <= 0 && !responseCc.noCache()) {
            return true; // still fresh (e.g. the request asked for revalidation): not stale at all
        }
        // A response no-cache MUST NOT be reused without a successful validation (RFC 9111 5.2.2.4), fresh or
        // not: only an explicit stale-if-error permits it when the origin fails.
        return allowed >= 0 && Math.max(0, staleness) <= allowed * 1000;
    }

    /** An origin outcome that triggers stale-if-error. */
    public static boolean isErrorStatus(int status) {
        return status == 500 || status == 502 || status == 503 || status == 504;
    }

    private static boolean forbidsStale(CacheControl responseCc) {
        return responseCc.mustRevalidate() || responseCc.proxyRevalidate();
    }

    public Storability storability(CacheRequest request, int status, Headers response) {
        if (!request.method().equals("GET")) {
            return Storability.no("only GET responses are stored");
        }
        CacheControl requestCc = CacheControl.parse(request.headers());
        CacheControl responseCc = CacheControl.parse(response);
        if (requestCc.noStore()) {
            return Storability.no("request no-store");
        }
        if (responseCc.noStore()) {
            return Storability.no("response no-store");
        }
        if (responseCc.isPrivate()) {
            return Storability.no("response private (shared cache)");
        }
        if (status < 200 || status == 206 || status == 304 || status >= 600) {
            return Storability.no("status " + status + " is not stored");
        }
        if (varyNames(response).contains("*")) {
            return Storability.no("Vary: *");
        }
        if (request.headers().contains("Authorization") && !sharedDespiteAuthorization(responseCc)) {
            return Storability.no("request has Authorization and the response does not allow sharing");
        }
        if (!mayStoreCookieSetting(response)) {
            return Storability.no("response sets a cookie");
        }
        boolean explicit = FreshnessPolicy.hasExplicitFreshness(response);
        boolean validator = response.contains("ETag") || response.contains("Last-Modified");
        if (explicit) {
            return Storability.yes("explicit freshness");
        }
        if (validator && HEURISTICALLY_CACHEABLE.contains(status)) {
            return Storability.yes("validator only: revalidated on every use (no heuristic freshness)");
        }
        return Storability.no("no explicit freshness and no validator");
    }

    /** RFC 9111 3.5: a response to a request with Authorization may be shared only when it says so. */
    private static boolean sharedDespiteAuthorization(CacheControl responseCc) {
        return responseCc.isPublic() || responseCc.mustRevalidate() || responseCc.sMaxAge().isPresent();
    }

    /** False when the response sets a cookie and this cache does not store such responses. */
    public boolean mayStoreCookieSetting(Headers response) {
        return storeSetCookieResponses || !response.contains(SET_COOKIE);
    }

    /** The header fields a stored response keeps: never {@code Set-Cookie}. */
    public static Headers storedHeaders(Headers response) {
        return response.without(SET_COOKIE);
    }

    /**
     * May a caller that waited for another caller's origin request (single flight) be given that request's
     * result, {@code shared} (the response as this cache would store it, varied on the leader's request)?
     * Only when a shared cache would serve the stored response to this caller's own request: no preconditions or
     * range of its own, the actual response's Vary matches, Authorization allows it, and it is fresh enough for
     * this request ({@code staleOnError}: the leader got it because the origin failed, and this request must
     * allow stale-if-error too). Otherwise the caller asks the origin itself.
     */
    public boolean mayShare(CacheRequest follower, StoredResponse shared, boolean staleOnError, long nowMillis) {
        if (shared == null || follower.hasConditionalsOrRange() || !varyMatches(shared, follower.headers())) {
            return false;
        }
        if (follower.headers().contains("Authorization") && !sharedDespiteAuthorization(shared.cacheControl())) {
            return false;
        }
        if (staleOnError) {
            return mayServeStaleOnError(follower, shared, nowMillis);
        }
        Action action = decide(follower, shared, nowMillis).action();
        return action == Action.SERVE || action == Action.SERVE_STALE;
    }

    /**
     * Until when the store keeps a response: freshness plus the longest stale use it may still have, never beyond
     * its fill time plus {@code maxEntryLifetime}.
     */
    public long retainUntilMillis(StoredResponse stored) {
        CacheControl cc = stored.cacheControl();
        long lifetime = FreshnessPolicy.freshnessLifetimeMillis(stored);
        long ageAtResponse = FreshnessPolicy.currentAgeMillis(stored, stored.responseTimeMillis());
        long staleUse = 0;
        if (!forbidsStale(cc)) {
            staleUse = Math.max(cc.staleWhileRevalidate().orElse(0), cc.staleIfError().orElse(0)) * 1000;
        }
        if (stored.hasValidator()) {
            staleUse = Math.max(staleUse, staleRetentionMillis);
        }
        long retain = stored.responseTimeMillis() + Math.max(0, lifetime - ageAtResponse) + staleUse;
        return Math.min(retain, stored.responseTimeMillis() + maxEntryLifetimeMillis);
    }

    /** Headers to add to the origin request to revalidate {@code stored}. */
    public static Headers conditionalHeaders(Headers requestHeaders, StoredResponse stored) {
        Headers h = requestHeaders;
        var etag = stored.headers().first("ETag");
        if (etag.isPresent()) {
            h = h.with("If-None-Match", etag.get());
        }
        var lastModified = stored.headers().first("Last-Modified");
        if (lastModified.isPresent()) {
            h = h.with("If-Modified-Since", lastModified.get());
        }
        return h;
    }

    /** A 304 refreshes the stored response: its header fields replace the stored ones, times restart. */
    public static StoredResponse refresh(StoredResponse stored, Headers notModified, long requestTimeMillis,
                                         long responseTimeMillis, Set<String> tagsOrNull) {
        Headers merged = stored.headers().updatedWith(notModified, NOT_UPDATED_BY_304);
        Set<String> tags = tagsOrNull == null ? stored.tags() : tagsOrNull;
        return stored.withHeaders(merged, requestTimeMillis, responseTimeMillis, tags);
    }

    /** The {@code Age} header value (whole seconds) for serving {@code stored} now. */
    public static long ageSeconds(StoredResponse stored, long nowMillis) {
        return FreshnessPolicy.currentAgeMillis(stored, nowMillis) / 1000;
    }

    /** Lower-case header names listed by {@code Vary}. */
    public static List<String> varyNames(Headers response) {
        List<String> names = new ArrayList<>();
        for (String value : response.all("Vary")) {
            for (String part : value.split(",")) {
                String name = part.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** The request's values of the varied headers (combined, trimmed); absent headers are omitted. */
    public static Map<String, String> varyValues(Headers request, List<String> varyNames) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : varyNames) {
            request.combined(name).ifPresent(v -> values.put(name, normalize(v)));
        }
        return values;
    }

    /** Does {@code stored} match the request for every header it varies on (absent matches absent)? */
    public static boolean varyMatches(StoredResponse stored, Headers request) {
        for (String name : stored.varyNames()) {
            String storedValue = stored.varyValues().get(name);
            String requestValue = request.combined(name).map(CacheStrategy::normalize).orElse(null);
            if (storedValue == null ? requestValue != null : !storedValue.equals(requestValue)) {
                return false;
            }
        }
        return true;
    }

    /** The first stored variant that matches the request, or null. */
    public static StoredResponse selectVariant(List<StoredResponse> variants, Headers request) {
        for (StoredResponse v : variants) {
            if (varyMatches(v, request)) {
                return v;
            }
        }
        return null;
    }

    private static String normalize(String value) {
        StringBuilder out = new StringBuilder();
        for (String part : value.split(",")) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(part.trim().replaceAll("\\s+", " "));
        }
        return out.toString();
    }
}
