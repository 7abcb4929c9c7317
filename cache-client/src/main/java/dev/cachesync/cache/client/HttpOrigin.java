package dev.cachesync.cache.client;

import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link Origin} over {@code java.net.http.HttpClient}. It buffers at most {@code maxBufferedBytes} + 1 of a body;
 * a longer body comes back as that prefix plus the open stream of the rest, which the cache passes through.
 */
public final class HttpOrigin implements Origin {

    /** Headers {@code java.net.http} sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient http;
    private final Duration requestTimeout;
    private final int maxBufferedBytes;

    public HttpOrigin(HttpClient http, Duration requestTimeout) {
        this(http, requestTimeout, Integer.MAX_VALUE - 16);
    }

    public HttpOrigin(HttpClient http, Duration requestTimeout, int maxBufferedBytes) {
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    @Override
    public Response send(CacheRequest request) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(requestTimeout);
        request.headers().asMap().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        HttpRequest.BodyPublisher body = request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
        builder.method(request.method(), body);
        HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                headers.put(name, values);
            }
        });
        InputStream stream = response.body();
        byte[] first;
        try {
            first = stream.readNBytes(maxBufferedBytes + 1);
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
        if (first.length <= maxBufferedBytes) {
            stream.close();
            return new Response(response.statusCode(), Headers.of(headers), first);
        }
        return new Response(response.statusCode(), Headers.of(headers), first, stream);
    }
}
