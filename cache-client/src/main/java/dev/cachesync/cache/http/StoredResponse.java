package dev.cachesync.cache.http;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One stored response (one variant when the origin sends {@code Vary}).
 *
 * <ul>
 * <li>{@code requestTimeMillis}: when the request that produced it was sent (RFC 9111 4.2.3 request_time)</li>
 * <li>{@code responseTimeMillis}: when the response was received (response_time)</li>
 * <li>{@code varyValues}: the request's values of the headers named by {@code Vary}, absent headers omitted</li>
 * <li>{@code tags}: cache tags from the tag header</li>
 * <li>{@code fillSequence}: the global purge sequence read before the origin was asked (DESIGN "Fill")</li>
 * </ul>
 */
public final class StoredResponse {

    private final int status;
    private final Headers headers;
    private final byte[] body;
    private final long requestTimeMillis;
    private final long responseTimeMillis;
    private final Map<String, String> varyValues;
    private final Set<String> tags;
    private final long fillSequence;
    // Derived once from the headers: a hit must not re-parse Cache-Control and HTTP dates.
    private final CacheControl cacheControl;
    private final long freshnessLifetimeMillis;
    private final long correctedInitialAgeMillis;
    private final java.util.List<String> varyNames;

    public StoredResponse(int status, Headers headers, byte[] body, long requestTimeMillis, long responseTimeMillis,
                          Map<String, String> varyValues, Set<String> tags, long fillSequence) {
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = body == null ? new byte[0] : body;
        this.requestTimeMillis = requestTimeMillis;
        this.responseTimeMillis = responseTimeMillis;
        this.varyValues = Map.copyOf(varyValues);
        this.tags = Set.copyOf(tags);
        this.fillSequence = fillSequence;
        this.cacheControl = TargetedCacheControl.DEFAULT.resolve(headers).cacheControl();
        this.freshnessLifetimeMillis = FreshnessPolicy.freshnessLifetimeMillis(headers, responseTimeMillis);
        this.correctedInitialAgeMillis = FreshnessPolicy.correctedInitialAgeMillis(headers, requestTimeMillis,
                responseTimeMillis);
        this.varyNames = CacheStrategy.varyNames(headers);
    }

    public int status() {
        return status;
    }

    public Headers headers() {
        return headers;
    }

    /** The stored body; callers must not modify it. */
    public byte[] body() {
        return body;
    }

    public long requestTimeMillis() {
        return requestTimeMillis;
    }

    public long responseTimeMillis() {
        return responseTimeMillis;
    }

    public Map<String, String> varyValues() {
        return varyValues;
    }

    public Set<String> tags() {
        return tags;
    }

    public long fillSequence() {
        return fillSequence;
    }

    /** The response directives this cache follows with the default target list (CDN-Cache-Control, RFC 9213). */
    public CacheControl cacheControl() {
        return cacheControl;
    }

    public long freshnessLifetimeMillis() {
        return freshnessLifetimeMillis;
    }

    /** The directives for a cache with {@code targeted} fields (RFC 9213), derived once per target list. */
    public CacheControl cacheControl(TargetedCacheControl targeted) {
        return targeted.equals(TargetedCacheControl.DEFAULT) ? cacheControl : derived(targeted).cacheControl;
    }

    public long freshnessLifetimeMillis(TargetedCacheControl targeted) {
        return targeted.equals(TargetedCacheControl.DEFAULT) ? freshnessLifetimeMillis
                : derived(targeted).freshnessLifetimeMillis;
    }

    private record Derived(TargetedCacheControl targeted, CacheControl cacheControl, long freshnessLifetimeMillis) {
    }

    // a client uses one target list: the last one derived is kept (a benign race at worst derives it twice)
    private volatile Derived derived;

    private Derived derived(TargetedCacheControl targeted) {
        Derived d = derived;
        if (d == null || !d.targeted().equals(targeted)) {
            d = new Derived(targeted, targeted.resolve(headers).cacheControl(),
                    FreshnessPolicy.freshnessLifetimeMillis(headers, responseTimeMillis, targeted));
            derived = d;
        }
        return d;
    }

    /** RFC 9111 4.2.3 corrected_initial_age: the age it had when it arrived. */
    public long correctedInitialAgeMillis() {
        return correctedInitialAgeMillis;
    }

    /** Lower-case names from its Vary header. */
    public java.util.List<String> varyNames() {
        return varyNames;
    }

    public StoredResponse withHeaders(Headers newHeaders, long newRequestTime, long newResponseTime, Set<String> newTags) {
        return new StoredResponse(status, newHeaders, body, newRequestTime, newResponseTime, varyValues, newTags,
                fillSequence);
    }

    public StoredResponse withFillSequence(long sequence) {
        return new StoredResponse(status, headers, body, requestTimeMillis, responseTimeMillis, varyValues, tags,
                sequence);
    }

    /** Approximate size in bytes, for the largest-entry limit. */
    public int approximateSize() {
        int size = body.length + 64;
        for (var e : headers.asMap().entrySet()) {
            size += e.getKey().length();
            for (String v : e.getValue()) {
                size += v.length() + 4;
            }
        }
        return size;
    }

    public boolean hasValidator() {
        return headers.contains("ETag") || headers.contains("Last-Modified");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredResponse s && status == s.status && headers.equals(s.headers)
                && java.util.Arrays.equals(body, s.body) && requestTimeMillis == s.requestTimeMillis
                && responseTimeMillis == s.responseTimeMillis && varyValues.equals(s.varyValues)
                && tags.equals(s.tags) && fillSequence == s.fillSequence;
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, headers, java.util.Arrays.hashCode(body), responseTimeMillis, fillSequence);
    }

    @Override
    public String toString() {
        return "StoredResponse[status=" + status + ", bytes=" + body.length + ", tags=" + tags + ", vary=" + varyValues
                + ", responseTime=" + responseTimeMillis + ", fillSequence=" + fillSequence + "]";
    }
}
