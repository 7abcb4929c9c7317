package dev.cachesync.cache.http;

import dev.cachesync.cache.http.CachePlan.Flight;
import dev.cachesync.cache.http.CachePlan.Invalidation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The pure RFC 9111 decisions of a shared cache: the {@link CachePlan} for a request (reuse, revalidate or fetch,
 * which single flight it may join, what an unsafe method invalidates); whether a follower may take a leader's
 * answer; store or not, for how long, under which Vary values; how a 304 refreshes a stored response. No I/O;
 * time is a parameter.
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
 *   <li>Response directives come from the first valid targeted field (RFC 9213, {@link TargetedCacheControl}),
 *       else Cache-Control; a request's own If-None-Match / If-Modified-Since is evaluated against a stored
 *       response that is served (304 when it matches); a single byte range is cut from a stored complete 200
 *       (206); 206 responses themselves are not stored.</li>
 * </ul>
 */
public final class CacheStrategy {

    /** Statuses that may be stored without explicit freshness (RFC 9110 15.1 "heuristically cacheable"). */
    private static final Set<Integer> HEURISTICALLY_CACHEABLE = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410,
            414, 501);
    /**
     * Final statuses whose caching semantics this cache implements (those RFC 9110 defines): with
     * {@code must-understand} (RFC 9111 5.2.2.3) a response of any other status is not stored.
     */
    private static final Set<Integer> UNDERSTOOD_STATUSES = Set.of(200, 201, 202, 203, 204, 205, 206, 300, 301, 302,
            303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415,
            416, 417, 421, 422, 426, 500, 501, 502, 503, 504, 505);
    /**
     * Fields a 304 must not overwrite in the stored response (RFC 9111 3.2): framing, hop-by-hop, cookies, and the
     * validator and digest of the stored content (a 304 says that content is still current: its ETag and
     * Content-MD5 stay those of the content served).
     */
    private static final Set<String> NOT_UPDATED_BY_304 = Set.of("content-length", "content-encoding",
            "content-range", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "set-cookie",
            "etag", "content-md5");
    /** A cookie is set for one user: never stored, never replayed to another. */
    private static final String SET_COOKIE = "Set-Cookie";

    /** Default of {@link #maxEntryLifetimeMillis()}: 24 hours. */
    public static final long DEFAULT_MAX_ENTRY_LIFETIME_MILLIS = 24 * 60 * 60 * 1000L;

    private final long staleRetentionMillis;
    private final long maxEntryLifetimeMillis;
    private final boolean storeSetCookieResponses;
    private final TargetedCacheControl targeted;

    /**
     * @param staleRetentionMillis how long a stale response is kept beyond its freshness and stale-* windows when
     *                             it has a validator (for revalidation) or may be served stale (a request's
     *                             max-stale)
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
        this(staleRetentionMillis, maxEntryLifetimeMillis, storeSetCookieResponses, TargetedCacheControl.DEFAULT);
    }

    /**
     * @param targeted the targeted cache-control fields (RFC 9213) this cache follows, most specific first
     */
    public CacheStrategy(long staleRetentionMillis, long maxEntryLifetimeMillis, boolean storeSetCookieResponses,
                         TargetedCacheControl targeted) {
        this.targeted = java.util.Objects.requireNonNull(targeted, "targeted");
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

    /**
     * The complete plan for {@code request}: answer from the cache, answer stale and refresh, revalidate, fetch,
     * 504 for {@code only-if-cached}, or pass an unsafe method through with what it invalidates. Pure: the
     * request, the stored variants and the clock decide it.
     *
     * @param key      the request's cache key (its normalised URL): origin requests of equal keys may share a flight
     * @param variants the stored variants of the key, preferred first; the first whose Vary matches is used
     */
    public CachePlan plan(CacheRequest request, String key, List<StoredResponse> variants, long nowMillis) {
        if (!request.isCacheableMethod()) {
            Invalidation invalidation = request.isSafeMethod() ? Invalidation.NONE : new Invalidation(request.uri());
            return new CachePlan.PassThrough(request, invalidation, request.method() + " is not cached");
        }
        StoredResponse stored = selectVariant(variants, request.headers());
        Verdict verdict = stored != null ? evaluate(request, stored, nowMillis)
                : new Verdict(Use.FETCH, variants.isEmpty() ? "nothing stored" : "no stored variant matches");
        switch (verdict.use()) {
            case SERVE:
            case SERVE_STALE:
                boolean stale = verdict.use() == Use.SERVE_STALE;
                boolean notModified = notModified(request, stored);
                // a range this cache does not answer (several, unsatisfiable, If-Range) gets the whole response,
                // which RFC 9110 14.2 allows
                CachePlan.ByteRange range = notModified ? null : byteRange(request, stored);
                return new CachePlan.Serve(stored, stale, notModified, range, verdict.reason());
            case SERVE_STALE_AND_REFRESH:
                return new CachePlan.ServeStaleAndRefresh(stored, backgroundRefresh(request, key, stored),
                        verdict.reason());
            default:
                if (CacheControl.parse(request.headers()).onlyIfCached()) {
                    return new CachePlan.OnlyIfCachedMiss("only-if-cached, " + verdict.reason());
                }
                // with no matching variant, the flight still varies on what the stored ones vary on
                StoredResponse varied = stored != null || variants.isEmpty() ? stored : variants.get(0);
                return originPlan(request, key, stored, varied, verdict.use() == Use.REVALIDATE, verdict.reason());
        }
    }

    /**
     * RFC 9111 4.3.2: a cache answering a conditional GET or HEAD from a stored response evaluates the request's
     * If-None-Match (weak comparison with the stored ETag; {@code *} matches) or, without it, If-Modified-Since
     * (against the stored Last-Modified, else its Date, else when it was received). True: answer 304.
     */
    static boolean notModified(CacheRequest request, StoredResponse stored) {
        List<String> noneMatch = request.headers().all("If-None-Match");
        if (!noneMatch.isEmpty()) {
            String etag = stored.headers().first("ETag").map(CacheStrategy::opaqueTag).orElse(null);
            for (String tag : String.join(",", noneMatch).split(",")) {
                String t = tag.trim();
                if (t.equals("*") || (etag != null && opaqueTag(t).equals(etag))) {
                    return true;
                }
            }
            return false;
        }
        java.util.OptionalLong since = request.headers().first("If-Modified-Since")
                .map(FreshnessPolicy::parseDate).orElse(java.util.OptionalLong.empty());
        if (since.isEmpty()) {
            return false;
        }
        long modified = FreshnessPolicy.parseDate(stored.headers().first("Last-Modified").orElse(""))
                .orElse(FreshnessPolicy.parseDate(stored.headers().first("Date").orElse(""))
                        .orElse(stored.responseTimeMillis()));
        return modified <= since.getAsLong();
    }

    private static final java.util.regex.Pattern SINGLE_RANGE =
            java.util.regex.Pattern.compile("\\s*bytes\\s*=\\s*(\\d{0,18})\\s*-\\s*(\\d{0,18})\\s*");

    /**
     * The request's Range when a stored complete 200 can answer it (RFC 9111 3.4, RFC 9110 14.2): one
     * {@code bytes=first-last}, {@code bytes=first-} or {@code bytes=-suffix} range that is satisfiable, and no
     * If-Range. Null otherwise (no Range, or one left to the origin).
     */
    static CachePlan.ByteRange byteRange(CacheRequest request, StoredResponse stored) {
        List<String> ranges = request.headers().all("Range");
        if (ranges.size() != 1 || request.headers().contains("If-Range") || stored.status() != 200
                || !request.method().equals("GET")) {
            return null;
        }
        java.util.regex.Matcher m = SINGLE_RANGE.matcher(ranges.get(0));
        long length = stored.body().length;
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty()) || length == 0) {
            return null;
        }
        long first;
        long last;
        if (m.group(1).isEmpty()) { // suffix: the last n bytes
            long suffix = Long.parseLong(m.group(2));
            if (suffix == 0) {
                return null;
            }
            first = Math.max(0, length - suffix);
            last = length - 1;
        } else {
            first = Long.parseLong(m.group(1));
            last = m.group(2).isEmpty() ? length - 1 : Math.min(Long.parseLong(m.group(2)), length - 1);
            if (first >= length || last < first) {
                return null;
            }
        }
        return new CachePlan.ByteRange(first, last, length);
    }

    /** An entity tag without its weakness indicator (weak comparison, RFC 9110 8.8.3.2). */
    private static String opaqueTag(String tag) {
        String t = tag.trim();
        return t.startsWith("W/") ? t.substring(2) : t;
    }

    /**
     * Asking the origin for {@code request}. A HEAD goes alone and stores nothing (only GET responses are stored).
     * A request with its own preconditions or range is sent as it is and alone: its 304 or 206 is for it, and a
     * 304 to its validators says nothing about the stored response (so it is never revalidated on its behalf);
     * a full answer to it may be stored. Any other GET may join the flight of its key.
     */
    private CachePlan.OriginPlan originPlan(CacheRequest request, String key, StoredResponse stored,
                                            StoredResponse varied, boolean revalidate, String reason) {
        boolean head = request.method().equals("HEAD");
        boolean own = request.hasConditionalsOrRange();
        Flight flight;
        if (head) {
            flight = new Flight.Alone("HEAD: answered alone, never stored");
        } else if (own) {
            flight = new Flight.Alone("its own preconditions or range: the answer is for it alone");
        } else {
            flight = new Flight.Join(flightKey(key, request, varied));
        }
        if (revalidate && !own) {
            return new CachePlan.Revalidate(request, stored, conditionalHeaders(request.headers(), stored), flight,
                    !head, reason);
        }
        return new CachePlan.Fetch(request, stored, flight, !head, reason);
    }

    /**
     * The background refresh of a stale-while-revalidate answer: a GET with the caller's headers but none of its
     * own preconditions, range or cache directives (the refresh is the cache's, not the caller's: a caller's
     * {@code no-store} must not keep the refreshed response out of the cache), sharing a flight.
     */
    private CachePlan.OriginPlan backgroundRefresh(CacheRequest request, String key, StoredResponse stored) {
        Headers headers = request.headers().without("Cache-Control").without("Pragma");
        for (String name : CacheRequest.REQUEST_SPECIFIC) {
            headers = headers.without(name);
        }
        CacheRequest get = new CacheRequest("GET", request.uri(), headers, null);
        return originPlan(get, key, stored, stored, stored.hasValidator(), "stale-while-revalidate refresh");
    }

    /**
     * Requests that may get different responses must not share a flight: the key includes the values of the
     * headers the stored response ({@code varied}, may be null) varies on, and of the usual content-negotiation
     * headers and Authorization. Equal keys only let callers wait for one another: a follower still takes the
     * leader's answer only when {@link #mayShare} allows it.
     */
    static String flightKey(String key, CacheRequest request, StoredResponse varied) {
        StringBuilder k = new StringBuilder(request.method()).append(' ').append(key);
        List<String> names = new ArrayList<>(FLIGHT_KEY_HEADERS);
        if (varied != null) {
            for (String n : varied.varyNames()) {
                if (!names.contains(n)) {
                    names.add(n);
                }
            }
        }
        for (String name : names) {
            request.headers().combined(name).ifPresent(v -> k.append('\n').append(name).append(':').append(v));
        }
        return k.toString();
    }

    private static final List<String> FLIGHT_KEY_HEADERS = List.of("accept", "accept-language", "accept-encoding",
            "authorization");

    /** How a stored response may be used for a request (RFC 9111 4.2, 4.2.4; README "What gets cached"). */
    private enum Use { SERVE, SERVE_STALE, SERVE_STALE_AND_REFRESH, REVALIDATE, FETCH }

    private record Verdict(Use use, String reason) {
    }

    private Verdict evaluate(CacheRequest request, StoredResponse stored, long nowMillis) {
        CacheControl requestCc = CacheControl.parse(request.headers());
        CacheControl responseCc = stored.cacheControl(targeted);
        Use miss = stored.hasValidator() ? Use.REVALIDATE : Use.FETCH;
        if (pastLifetimeCap(stored, nowMillis)) {
            return new Verdict(miss, "older than maxEntryLifetime");
        }
        if (responseCc.noCache()) {
            return new Verdict(miss, "response no-cache");
        }
        if (requestCc.noCache()) {
            return new Verdict(miss, "request no-cache");
        }
        long age = FreshnessPolicy.currentAgeMillis(stored, nowMillis);
        long lifetime = stored.freshnessLifetimeMillis(targeted);
        if (age < lifetime) {
            if (requestCc.maxAge().isPresent() && age > requestCc.maxAge().getAsLong() * 1000) {
                return new Verdict(miss, "older than request max-age");
            }
            if (requestCc.minFresh().isPresent() && lifetime - age < requestCc.minFresh().getAsLong() * 1000) {
                return new Verdict(miss, "less fresh than request min-fresh");
            }
            return new Verdict(Use.SERVE, "fresh");
        }
        long staleness = age - lifetime;
        if (!forbidsStale(responseCc)) {
            boolean clientAcceptsStale = requestCc.maxStaleAny()
                    || (requestCc.maxStale().isPresent() && staleness <= requestCc.maxStale().getAsLong() * 1000);
            if (clientAcceptsStale && responseCc.sMaxAge().isEmpty()) {
                return new Verdict(Use.SERVE_STALE, "stale within request max-stale");
            }
            if (responseCc.staleWhileRevalidate().isPresent()
                    && staleness <= responseCc.staleWhileRevalidate().getAsLong() * 1000) {
                return new Verdict(Use.SERVE_STALE_AND_REFRESH, "stale within stale-while-revalidate");
            }
        }
        return new Verdict(miss, "stale");
    }

    /** May {@code stored} answer {@code request} because the origin failed (5xx, timeout, unreachable)? */
    public boolean mayServeStaleOnError(CacheRequest request, StoredResponse stored, long nowMillis) {
        if (stored == null || pastLifetimeCap(stored, nowMillis)) {
            return false;
        }
        CacheControl responseCc = stored.cacheControl(targeted);
        if (forbidsStale(responseCc)) {
            return false;
        }
        long staleness = FreshnessPolicy.currentAgeMillis(stored, nowMillis)
                - stored.freshnessLifetimeMillis(targeted);
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
        CacheControl responseCc = targeted.resolve(response).cacheControl();
        if (responseCc.mustUnderstand() && !UNDERSTOOD_STATUSES.contains(status)) {
            return Storability.no("must-understand and status " + status + " is not understood");
        }
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
        boolean explicit = FreshnessPolicy.hasExplicitFreshness(response, targeted);
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
        if (follower.headers().contains("Authorization") && !sharedDespiteAuthorization(shared.cacheControl(targeted))) {
            return false;
        }
        if (staleOnError) {
            return mayServeStaleOnError(follower, shared, nowMillis);
        }
        Use use = evaluate(follower, shared, nowMillis).use();
        return use == Use.SERVE || use == Use.SERVE_STALE;
    }

    /**
     * Until when the store keeps a response: freshness plus the longest stale use it may still have, never beyond
     * its fill time plus {@code maxEntryLifetime}.
     */
    public long retainUntilMillis(StoredResponse stored) {
        CacheControl cc = stored.cacheControl(targeted);
        long lifetime = stored.freshnessLifetimeMillis(targeted);
        long ageAtResponse = FreshnessPolicy.currentAgeMillis(stored, stored.responseTimeMillis());
        long staleUse = 0;
        if (!forbidsStale(cc)) {
            staleUse = Math.max(cc.staleWhileRevalidate().orElse(0), cc.staleIfError().orElse(0)) * 1000;
        }
        // Kept a while past its windows: to be revalidated (it has a validator), or for a request's max-stale (it
        // may be served stale: RFC 9111 5.2.1.2). Without the second, whether a max-stale request found it depended
        // on when the expiry sweep last ran (the cache-tests suite's ccreq-max-stale passed or failed by chance).
        boolean servableStale = !forbidsStale(cc) && cc.sMaxAge().isEmpty();
        if (stored.hasValidator() || servableStale) {
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
