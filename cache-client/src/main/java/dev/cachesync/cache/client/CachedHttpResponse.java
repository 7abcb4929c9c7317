package dev.cachesync.cache.client;

import dev.cachesync.cache.http.Headers;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A response and where it came from. The body array is the caller's own copy. */
public record CachedHttpResponse(int status, Headers headers, byte[] body, CacheSource source) {

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public Optional<String> header(String name) {
        return headers.first(name);
    }

    public boolean fromCache() {
        return source == CacheSource.LOCAL || source == CacheSource.REDIS || source == CacheSource.STALE
                || source == CacheSource.REVALIDATED;
    }

    @Override
    public String toString() {
        return "CachedHttpResponse[status=" + status + ", source=" + source + ", bytes=" + body.length + "]";
    }
}
