package dev.cachesync.demo.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small HTTP proxy in front of the catalog API that adds a fixed latency to every call and counts the calls.
 * The catalog on localhost answers in about a millisecond; a real catalog behind a network (the guide's Lambda
 * behind API Gateway) takes tens of milliseconds, which is what makes caching worth it. The count is the
 * "catalog API calls" figure of the comparison and the "one origin request" of the stampede scenario.
 */
public final class DelayingProxy implements AutoCloseable {
    /** Hop-by-hop headers and those java.net.http sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "host", "expect",
            "upgrade", "keep-alive", "transfer-encoding", "te", "trailer", "proxy-authorization", "proxy-connection",
            "date");

    private final URI target;
    private final HttpServer server;
    private final ExecutorService workers;
    private final HttpClient client;
    private final AtomicLong latencyNanos;
    private final LongAdder requests = new LongAdder();
    private final Map<String, LongAdder> requestsByPath = new ConcurrentHashMap<>();

    private DelayingProxy(URI target, Duration latency) throws IOException {
        this.target = target;
        this.latencyNanos = new AtomicLong(latency.toNanos());
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "catalog-proxy");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(workers);
        server.createContext("/", this::forward);
        server.start();
    }

    /** Starts a proxy on a free port of 127.0.0.1 forwarding to {@code target} (e.g. http://127.0.0.1:8081). */
    public static DelayingProxy start(URI target, Duration latency) {
        try {
            return new DelayingProxy(target, latency);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the catalog proxy: " + e.getMessage(), e);
        }
    }

    /** Base URL of the proxy, with a trailing slash, e.g. {@code http://127.0.0.1:40123/}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public Duration latency() {
        return Duration.ofNanos(latencyNanos.get());
    }

    /** Requests forwarded so far. */
    public long requests() {
        return requests.sum();
    }

    /** Requests forwarded so far for one path, e.g. {@code /products/prod-001}. */
    public long requests(String path) {
        LongAdder count = requestsByPath.get(path);
        return count == null ? 0 : count.sum();
    }

    private void forward(HttpExchange exchange) throws IOException {
        boolean answered = false;
        try {
            requests.increment();
            requestsByPath.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new LongAdder()).increment();
            long delay = latencyNanos.get();
            if (delay > 0) {
                // The simulated network: each call takes this long in addition to the catalog's own time.
                TimeUnit.NANOSECONDS.sleep(delay);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .timeout(Duration.ofSeconds(10));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            request.method(exchange.getRequestMethod(), body.length == 0
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, List.copyOf(values));
                }
            });
            byte[] responseBody = response.body();
            boolean noBody = responseBody.length == 0 || response.statusCode() == 304 || response.statusCode() == 204
                    || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : responseBody.length);
            answered = true;
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(responseBody);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!answered) {
                exchange.sendResponseHeaders(503, -1);
            }
        } catch (IOException e) {
            // The catalog is unreachable: answer like a gateway would.
            if (!answered) {
                exchange.sendResponseHeaders(502, -1);
            }
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
