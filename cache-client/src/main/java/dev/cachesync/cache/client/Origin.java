package dev.cachesync.cache.client;

import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.Headers;
import java.io.IOException;

/** Where misses go. The default sends real HTTP with {@code java.net.http.HttpClient}. */
@FunctionalInterface
public interface Origin {

    Response send(CacheRequest request) throws IOException, InterruptedException;

    record Response(int status, Headers headers, byte[] body) {
    }
}
