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

    /** Methods that do not change state: their responses never purge anything. */
    public boolean isSafeMethod() {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE" -> true;
            default -> false;
        };
    }
}
