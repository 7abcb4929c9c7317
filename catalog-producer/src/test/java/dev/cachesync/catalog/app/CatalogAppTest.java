package dev.cachesync.catalog.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachesync.catalog.auth.ApiKeys;
import dev.cachesync.catalog.auth.Scopes;
import dev.cachesync.catalog.testing.TopicReader;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.Promtool;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.ProductEvent;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The service as deployed: env configuration, HTTP -> outbox -> Kafka, health, metrics, clean shutdown. */
class CatalogAppTest {
    private final KafkaBroker kafka = DevStack.kafka();
    private final SchemaRegistry registry = DevStack.schemaRegistry();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ApiKeys.MintedKey writer = ApiKeys.mint("test-writer", Scopes.WRITE);

    @Test
    void servesTheApiPublishesEventsAndReportsHealthAndMetrics() throws Exception {
        String topic = "catalog.product-events.app-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);
        CatalogApp app = CatalogApp.start(CatalogConfig.fromEnv(Map.of(
                "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0", "CATALOG_AUTH_API_KEYS", writer.entry(),
                "JDBC_URL", "jdbc:h2:mem:app_" + UUID.randomUUID().toString().replace("-", "")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "PRODUCT_EVENTS_TOPIC", topic,
                "CACHE_CONTROL", "public, max-age=3")));
        String base = "http://127.0.0.1:" + app.port();
        String management = "http://127.0.0.1:" + app.managementPort();
        try {
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/products/lamp-1"))
                    .PUT(HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"Lamp\",\"priceCents\":2500,\"categorySlug\":\"lighting\",\"brandSlug\":\"lumo\"}"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + writer.key()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(201);
            assertThat(get(base + "/products/lamp-1").headers().firstValue("Cache-Control")).hasValue("public, max-age=3");

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    TopicReader.readAll(kafka.bootstrapServers(), registry.url(), topic).size() == 1);
            List<ConsumerRecord<String, ProductEvent>> records = TopicReader.readAll(kafka.bootstrapServers(), registry.url(), topic);
            assertThat(records.get(0).key()).isEqualTo("lamp-1");
            assertThat(records.get(0).value().getTags()).containsExactly("product:lamp-1", "category:lighting", "brand:lumo");
            assertThat(records.get(0).value().getSource()).isEqualTo("catalog-producer");

            assertThat(get(management + "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(management + "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"database\":\"UP\"", "\"outboxRelay\":\"UP\"");
            HttpResponse<String> headReady = http.send(HttpRequest.newBuilder(URI.create(management + "/health/ready"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(headReady.statusCode()).isEqualTo(200);
            assertThat(headReady.headers().firstValue("Content-Type")).hasValue("application/json");

            HttpResponse<String> metrics = get(management + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains(
                    "catalog_outbox_backlog ",
                    "catalog_outbox_oldest_unsent_age_seconds ",
                    "catalog_outbox_publish_latency_seconds_count 1",
                    "catalog_outbox_publish_latency_seconds_bucket{le=\"+Inf\"} 1", // the README's p50/p99 source
                    "catalog_outbox_published_total 1",
                    "catalog_outbox_publish_failures_total 0",
                    "process_cpu_usage ",
                    "http_server_requests_seconds_count{method=\"PUT\",status=\"201\",uri=\"/products/{id}\"} 1");
            assertThat(Promtool.checkMetrics(metrics.body())).as("promtool check metrics").isEmpty();
            HttpResponse<String> nowhere = get(base + "/nowhere");
            assertThat(nowhere.statusCode()).isEqualTo(404);
            assertThat(nowhere.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        } finally {
            app.close();
        }
        assertThatThrownBy(() -> get(base + "/products/lamp-1")).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> get(management + "/health/live")).isInstanceOf(ConnectException.class);
    }

    @Test
    void closeLetsAnInFlightRequestFinishAndAnswer() throws Exception {
        CatalogApp app = CatalogApp.start(CatalogConfig.fromEnv(Map.of(
                "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0", "OUTBOX_RELAY_ENABLED", "false",
                "CATALOG_AUTH_API_KEYS", writer.entry(),
                "JDBC_URL", "jdbc:h2:mem:app_" + UUID.randomUUID().toString().replace("-", "")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1")));
        int port = app.port();
        byte[] body = "{\"name\":\"Lamp\",\"priceCents\":2500,\"categorySlug\":\"lighting\"}"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.concurrent.CompletableFuture<Void> closed;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("PUT /products/late-1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + writer.key() + "\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body, 0, 10);
            out.flush();
            // The handler is now waiting for the rest of the body: the request is in flight.
            await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().values().stream()
                    .anyMatch(stack -> java.util.Arrays.stream(stack).anyMatch(f -> f.getMethodName().equals("putProduct"))));
            closed = java.util.concurrent.CompletableFuture.runAsync(app::close);
            await().atMost(Duration.ofSeconds(10)).until(() -> !accepts(port)); // the server is stopping
            out.write(body, 10, body.length - 10);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 201").contains("\"version\":1");
        }
        closed.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
