package dev.cachesync.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.devstack.DevStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example started as it runs (Tomcat on a random port) against devstack's Redis and a catalog stand-in: a
 * product read through the tiers, a cached quote that a purge of its product's tag refreshes, health UP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrderServiceApplicationTest {

    static final String PREFIX = "example-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    static final AtomicLong price = new AtomicLong(1000);
    static final HttpServer catalog = catalog();
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();

    @DynamicPropertySource
    static void cachesync(DynamicPropertyRegistry registry) {
        registry.add("cachesync.client.origin", () -> "http://127.0.0.1:" + catalog.getAddress().getPort() + "/");
        registry.add("cachesync.redis.port", () -> DevStack.redis().port());
        registry.add("cachesync.redis.host", () -> DevStack.redis().host());
        registry.add("cachesync.redis.key-prefix", () -> PREFIX);
        // generous: CI machines are shared, and a slow Redis call is a miss (the tier assertions would flake)
        registry.add("cachesync.client.redis-timeout", () -> "5s");
    }

    /** The catalog API's shape: a product with max-age and its tags. */
    static HttpServer catalog() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/products/prod-001", exchange -> {
                byte[] body = ("{\"id\":\"prod-001\",\"name\":\"Kettle\",\"priceCents\":" + price.get()
                        + ",\"currency\":\"EUR\",\"stock\":5,\"version\":1}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.getResponseHeaders().add("Cache-Control", "max-age=300");
                exchange.getResponseHeaders().add("Cache-Tags", "product:prod-001");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopCatalog() {
        catalog.stop(0);
    }

    @LocalServerPort
    int port;
    @Autowired
    RedissonClient redisson;

    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    @Test
    void productsQuotesAndAPurgeOfTheProduct() throws Exception {
        assertThat(get("/products/prod-001").path("source").asText()).isEqualTo("ORIGIN");
        assertThat(get("/products/prod-001").path("source").asText()).isEqualTo("LOCAL");
        assertThat(get("/quotes/prod-001?quantity=10").path("totalCents").asLong()).isEqualTo(9500);

        // the catalog changes the price; the invalidator purges the product's tag
        price.set(2000);
        assertThat(get("/quotes/prod-001?quantity=10").path("totalCents").asLong()).isEqualTo(9500); // cached
        TagPurger.create(redisson, PREFIX, new SimpleMeterRegistry()).purgeTags(List.of("product:prod-001"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/quotes/prod-001?quantity=10").path("totalCents").asLong() == 19000);
        assertThat(get("/actuator/health/cachesync").path("status").asText()).isEqualTo("UP");
    }
}
