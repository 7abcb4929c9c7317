package dev.cachesync.cache.client;

import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.CacheStrategy;
import dev.cachesync.cache.http.Headers;
import dev.cachesync.cache.http.StoredResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A response and where it came from. The body array is the caller's own copy.
 *
 * <p>A response bigger than {@code maxEntryBytes} is passed through from the origin without being buffered:
 * {@code rest} is then the open remainder of its body. Read such a body once, with {@link #bodyStream()} (or
 * {@link #body()}, which buffers it whole) and close the stream.
 */
public record CachedHttpResponse(int status, Headers headers, byte[] body, CacheSource source, InputStream rest) {

    public CachedHttpResponse(int status, Headers headers, byte[] body, CacheSource source) {
        this(status, headers, body, source, null);
    }

    /** A stored response as a caller gets it: its own body copy (none for HEAD), an Age, never a stored cookie. */
    static CachedHttpResponse fromStored(CacheRequest request, StoredResponse stored, CacheSource source,
                                         long nowMillis) {
        Headers headers = CacheStrategy.storedHeaders(stored.headers())
                .with("Age", Long.toString(CacheStrategy.ageSeconds(stored, nowMillis)));
        byte[] body = request.method().equals("HEAD") ? new byte[0] : stored.body().clone();
        return new CachedHttpResponse(stored.status(), headers, body, source);
    }

    /** The whole body; for a passed-through response this reads (and buffers) the rest of it. */
    @Override
    public byte[] body() {
        if (rest == null) {
            return body;
        }
        try (InputStream all = bodyStream()) {
            return all.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the body from the origin", e);
        }
    }

    /** The body as a stream (the only way to read a passed-through body without buffering it). */
    public InputStream bodyStream() {
        InputStream first = new ByteArrayInputStream(body);
        return rest == null ? first : new SequenceInputStream(first, rest);
    }

    public String bodyAsString() {
        return new String(body(), StandardCharsets.UTF_8);
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
        return "CachedHttpResponse[status=" + status + ", source=" + source
                + (rest == null ? ", bytes=" + body.length : ", passed through") + "]";
    }
}
