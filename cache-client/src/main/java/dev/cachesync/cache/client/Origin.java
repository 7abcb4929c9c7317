package dev.cachesync.cache.client;

import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.Headers;
import java.io.IOException;
import java.io.InputStream;

/** Where misses go. The default sends real HTTP with {@code java.net.http.HttpClient}. */
@FunctionalInterface
public interface Origin {

    Response send(CacheRequest request) throws IOException, InterruptedException;

    /**
     * @param body the body, or only its first bytes when {@code rest} is not null
     * @param rest the unread remainder of a body too big to buffer (never stored, passed through), or null
     */
    record Response(int status, Headers headers, byte[] body, InputStream rest) {

        public Response(int status, Headers headers, byte[] body) {
            this(status, headers, body, null);
        }

        /** Is the whole body in {@link #body()}? */
        public boolean complete() {
            return rest == null;
        }
    }
}
