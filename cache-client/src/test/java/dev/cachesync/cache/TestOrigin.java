package dev.cachesync.cache;

import com.sun.net.httpserver.HttpServer;
import dev.cachesync.cache.http.Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A small local HTTP origin for tests: routes by exact path, counts requests, remembers request headers. */
public final class TestOrigin implements AutoCloseable {

    public record Request(String method, String path, Headers headers) {
    }

    public record Reply(int status, Map<String, String> headers, String body) {
        public static Reply ok(String body, String... headers) {
            Map<String, String> h = new LinkedHashMap<>();
            for (int i = 0; i < headers.length; i += 2) {
                h.put(headers[i], headers[i + 1]);
            }
            return new Reply(200, h, body);
        }
    }

    static {
        // com.sun.net.httpserver otherwise waits on Nagle + delayed ACK (~40 ms per response)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Function<Request, Reply>> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, Request> lastRequests = new ConcurrentHashMap<>();

    private TestOrigin() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Request request = new Request(exchange.getRequestMethod(), path,
                    Headers.of(exchange.getRequestHeaders()));
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            lastRequests.put(path, request);
            Function<Request, Reply> route = routes.get(path);
            Reply reply = route == null ? new Reply(404, Map.of(), "no route") : route.apply(request);
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            boolean noBody = reply.status() == 304 || request.method().equals("HEAD");
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : body.length);
            if (!noBody) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    public static TestOrigin start() {
        return new TestOrigin();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public URI url(String path) {
        return uri().resolve(path);
    }

    public TestOrigin route(String path, Function<Request, Reply> handler) {
        routes.put(path, handler);
        return this;
    }

    public int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    public Request lastRequest(String path) {
        return lastRequests.get(path);
    }

    /** Stops answering: connections are refused from now on. */
    public void stop() {
        server.stop(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
