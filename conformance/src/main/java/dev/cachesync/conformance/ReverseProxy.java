package dev.cachesync.conformance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cachesync.cache.client.CachedHttpResponse;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.OriginUnavailableException;
import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 reverse proxy whose every request goes through a {@link CachingHttpClient}: the shape in which
 * the public cache test suite measures caches (it talks to the proxy's base URL; the client forwards to the
 * suite's own origin server). Every method is forwarded; end-to-end header fields go both ways, hop-by-hop ones
 * (RFC 9110 7.6.1: Connection and the fields it lists, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade,
 * Proxy-*) are dropped in both directions.
 */
public final class ReverseProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReverseProxy.class);

    /** Hop-by-hop fields of RFC 9110 7.6.1, plus the message framing this hop sets itself (Content-Length). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-connection", "content-length");

    private final HttpServer server;
    private final ExecutorService threads;
    private final CachingHttpClient client;
    private final URI origin;

    private ReverseProxy(HttpServer server, ExecutorService threads, CachingHttpClient client, URI origin) {
        this.server = server;
        this.threads = threads;
        this.client = client;
        this.origin = origin;
    }

    /**
     * Starts a proxy on 127.0.0.1 and a free port in front of {@code origin} (scheme, host and port; the request
     * path and query are kept), answering through {@code client}.
     */
    public static ReverseProxy start(CachingHttpClient client, URI origin) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        ExecutorService threads = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "conformance-proxy");
            t.setDaemon(true);
            return t;
        });
        ReverseProxy proxy = new ReverseProxy(server, threads, client, origin);
        server.createContext("/", proxy::handle);
        server.setExecutor(threads);
        server.start();
        return proxy;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            URI target = origin.resolve(exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Headers requestHeaders = endToEnd(exchange.getRequestHeaders()).without("Host");
            CachedHttpResponse response;
            try {
                response = client.send(new CacheRequest(method, target, requestHeaders, body));
            } catch (OriginUnavailableException e) {
                log.debug("origin unavailable for {} {}: {}", method, target, e.toString());
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            Headers responseHeaders = endToEnd(response.headers().asMap());
            responseHeaders.asMap().forEach((name, values) -> exchange.getResponseHeaders().put(name,
                    new ArrayList<>(values)));
            int status = response.status();
            byte[] content = response.body();
            boolean noBody = method.equalsIgnoreCase("HEAD") || status == 204 || status == 304 || status < 200;
            exchange.sendResponseHeaders(status, noBody || content.length == 0 ? -1 : content.length);
            if (!noBody && content.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(content);
                }
            }
        } catch (RuntimeException e) {
            log.warn("proxy error for {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
            throw e;
        }
    }

    /**
     * The end-to-end fields of a message: without the hop-by-hop fields and without every field the message's
     * own Connection header lists (RFC 9110 7.6.1).
     */
    public static Headers endToEnd(Map<String, List<String>> fields) {
        Set<String> dropped = new HashSet<>(HOP_BY_HOP);
        fields.forEach((name, values) -> {
            if (name != null && name.equalsIgnoreCase("Connection")) {
                for (String value : values) {
                    for (String listed : value.split(",")) {
                        dropped.add(listed.trim().toLowerCase(Locale.ROOT));
                    }
                }
            }
        });
        Map<String, List<String>> kept = new LinkedHashMap<>();
        fields.forEach((name, values) -> {
            if (name == null) {
                return;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (!dropped.contains(lower) && !lower.startsWith("proxy-")) {
                kept.put(name, values);
            }
        });
        return Headers.of(kept);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
