package dev.cachesync.invalidator.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** /health/live, /health/ready and /metrics for Kubernetes probes and Prometheus. */
final class HealthServer implements AutoCloseable {
    /** A probe's answer: ok or not, and why. */
    record Status(boolean ok, String detail) {
    }

    private final HttpServer server;
    private final ExecutorService executor;

    HealthServer(int port, Supplier<Status> live, Supplier<Status> ready, PrometheusMeterRegistry metrics) {
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on port " + port + " (INVALIDATOR_HTTP_PORT): " + e.getMessage(), e);
        }
        // Own threads: a slow readiness check (Redis hanging) must never hold up the liveness probe, or
        // Kubernetes would restart an invalidator that is only waiting for Redis.
        executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "invalidator-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/health/live", exchange -> probe(exchange, live.get()));
        server.createContext("/health/ready", exchange -> probe(exchange, ready.get()));
        server.createContext("/metrics", exchange ->
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void probe(HttpExchange exchange, Status status) throws IOException {
        String body = "{\"status\":\"" + (status.ok() ? "UP" : "DOWN") + "\",\"detail\":\""
                + status.detail().replace("\"", "'") + "\"}";
        respond(exchange, status.ok() ? 200 : 503, "application/json", body);
    }

    private static void respond(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
