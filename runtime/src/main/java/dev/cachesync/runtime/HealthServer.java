package dev.cachesync.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * /health/live, /health/ready and /metrics for Kubernetes probes and Prometheus, as the invalidator and the
 * auditor serve them: exact paths, GET and HEAD only.
 */
public final class HealthServer implements AutoCloseable {
    /** A probe's answer: ok or not, and why. */
    public record Status(boolean ok, String detail) {
    }

    static {
        JdkHttpServers.sendWithoutDelay(); // a scrape or probe would otherwise wait ~40 ms for each answer
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Supplier<Answer>> routes;

    /**
     * Listens on {@code port} (0 = a free one) at once.
     *
     * @param service      names the threads ({@code <service>-http})
     * @param portVariable the variable that set the port, named when it cannot be bound
     * @param metrics      the Prometheus text exposition (e.g. {@code PrometheusMeterRegistry::scrape})
     */
    public HealthServer(String service, String portVariable, int port, Supplier<Status> live, Supplier<Status> ready,
                        Supplier<String> metrics) {
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on port " + port + " (" + portVariable + "): " + e.getMessage(), e);
        }
        // Own threads: a slow readiness check (Redis hanging) must never hold up the liveness probe, or
        // Kubernetes would restart a service that is only waiting for Redis.
        executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, service + "-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        routes = Map.of(
                "/health/live", () -> probe(live.get()),
                "/health/ready", () -> probe(ready.get()),
                "/metrics", () -> new Answer(200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
        server.createContext("/", this::route);
        server.start();
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Exact paths (the JDK matches contexts by prefix), GET and HEAD only. */
    private void route(HttpExchange exchange) throws IOException {
        try {
            Supplier<Answer> route = routes.get(exchange.getRequestURI().getRawPath());
            String method = exchange.getRequestMethod();
            Answer answer;
            if (route == null) {
                answer = new Answer(404, "application/json", "{\"status\":404,\"error\":\"not_found\",\"detail\":\"no such path;"
                        + " there are " + String.join(", ", new TreeSet<>(routes.keySet())) + "\"}");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                answer = new Answer(405, "application/json",
                        "{\"status\":405,\"error\":\"method_not_allowed\",\"detail\":\"only GET and HEAD\"}");
            } else {
                answer = route.get();
            }
            respond(exchange, answer, method.equals("HEAD"));
        } finally {
            exchange.close();
        }
    }

    private static Answer probe(Status status) {
        String body = "{\"status\":\"" + (status.ok() ? "UP" : "DOWN") + "\",\"detail\":\""
                + status.detail().replace("\"", "'") + "\"}";
        return new Answer(status.ok() ? 200 : 503, "application/json", body);
    }

    private static void respond(HttpExchange exchange, Answer answer, boolean head) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", answer.type());
        if (head) {
            // -1: no body. A length on a HEAD answer makes the JDK log a warning on every probe.
            exchange.sendResponseHeaders(answer.code(), -1);
            return;
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.code(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private record Answer(int code, String type, String body) {
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
