package dev.cachesync.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A reverse proxy in front of the devstack {@link SchemaRegistry} that demands credentials, as a hosted registry
 * does: HTTP basic auth or a bearer token. A request without the right {@code Authorization} header gets 401 with
 * {@code WWW-Authenticate} and is not forwarded; {@link #refused()} counts them.
 */
public final class AuthenticatingProxy implements AutoCloseable {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "authorization",
            "transfer-encoding", "upgrade", "expect");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;
    private final String ccompatPath;
    private final byte[] expected;
    private final String challenge;
    private final AtomicInteger refused = new AtomicInteger();

    private AuthenticatingProxy(SchemaRegistry registry, String expectedAuthorization, String challenge) {
        URI url = URI.create(registry.url());
        this.target = URI.create(url.getScheme() + "://" + url.getAuthority());
        this.ccompatPath = url.getPath();
        this.expected = expectedAuthorization.getBytes(StandardCharsets.UTF_8);
        this.challenge = challenge;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new DevStackException("registry-proxy", "cannot listen: " + e.getMessage(), null, e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Demands HTTP basic auth as {@code user} with {@code password}. */
    public static AuthenticatingProxy basic(SchemaRegistry registry, String user, String password) {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new AuthenticatingProxy(registry, "Basic " + credentials, "Basic realm=\"schema-registry\"");
    }

    /** Demands {@code Authorization: Bearer <token>}. */
    public static AuthenticatingProxy bearer(SchemaRegistry registry, String token) {
        return new AuthenticatingProxy(registry, "Bearer " + token, "Bearer realm=\"schema-registry\"");
    }

    /** The registry's Confluent API through this proxy, like {@link SchemaRegistry#url()}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + ccompatPath;
    }

    /** How many requests were refused for missing or wrong credentials. */
    public int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            // Constant time, as a real server compares secrets.
            if (authorization == null
                    || !MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8))) {
                refused.incrementAndGet();
                exchange.getResponseHeaders().add("WWW-Authenticate", challenge);
                reply(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8),
                        "application/json");
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .timeout(Duration.ofSeconds(30));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    values.forEach(value -> forward.header(name, value));
                }
            });
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            forward.method(exchange.getRequestMethod(), body.length == 0
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            reply(exchange, response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse("application/json"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body, String contentType) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
