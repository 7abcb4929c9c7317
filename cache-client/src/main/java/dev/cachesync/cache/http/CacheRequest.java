package dev.cachesync.cache.http;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/** A request as the cache sees it: method, absolute URI, header fields and an optional body. */
public record CacheRequest(String method, URI uri, Headers headers, byte[] body) {

    public CacheRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        method = method.toUpperCase(Locale.ROOT);
        headers = headers == null ? Headers.EMPTY : headers;
        body = body == null ? new byte[0] : body;
    }

    public static CacheRequest get(URI uri) {
        return new CacheRequest("GET", uri, Headers.EMPTY, null);
    }

    public static CacheRequest get(URI uri, Headers headers) {
        return new CacheRequest("GET", uri, headers, null);
    }

    public CacheRequest withHeader(String name, String value) {
        return new CacheRequest(method, uri, headers.with(name, value), body);
    }

    /** GET and HEAD are the only methods whose responses the cache reuses. */
    public boolean isCacheableMethod() {
        return method.equals("GET") || method.equals("HEAD");
    }

    /**
     * Header fields that make the origin's answer specific to this request (a 304 to its own validator, a 206
     * for its own range): such a request never shares an origin request with another caller.
     */
    static final java.util.List<String> REQUEST_SPECIFIC = java.util.List.of("If-None-Match",
            "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range", "Range");

    /** Does it carry its own preconditions or a range (see {@link #REQUEST_SPECIFIC})? */
    public boolean hasConditionalsOrRange() {
        for (String name : REQUEST_SPECIFIC) {
            if (headers.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** Methods that do not change state: their responses never purge anything. */
    public boolean isSafeMethod() {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE" -> true;
            default -> false;
        };
    }
}
