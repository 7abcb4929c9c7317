package dev.cachesync.invalidator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A schema registry in front of the real one: answers the scripted failures first, one per request, then
 * forwards every GET to the real registry. For the registry's failure classes (401, 429, 5xx, a proxy's HTML page).
 */
final class ScriptedRegistry implements AutoCloseable {
    private record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger scriptedAnswers = new AtomicInteger();

    ScriptedRegistry(String realUrl) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Answer answer = script.poll();
            if (answer != null) {
                scriptedAnswers.incrementAndGet();
            } else {
                String path = exchange.getRequestURI().getRawPath();
                try {
                    HttpResponse<String> real = http.send(HttpRequest.newBuilder(URI.create(realUrl + path)).GET()
                            .build(), HttpResponse.BodyHandlers.ofString());
                    answer = new Answer(real.statusCode(), real.body());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    answer = new Answer(502, "interrupted");
                }
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** The next request is answered with this, and not forwarded. */
    ScriptedRegistry thenAnswer(int status, String body) {
        script.add(new Answer(status, body));
        return this;
    }

    int scriptedAnswers() {
        return scriptedAnswers.get();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
