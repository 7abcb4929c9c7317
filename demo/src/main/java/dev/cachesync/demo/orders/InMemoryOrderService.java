package dev.cachesync.demo.orders;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** An order-service instance as in the guide's "current implementation": its own {@link TtlMemoryCache}. */
public final class InMemoryOrderService implements ProductReader {
    private final String name;
    private final URI catalog;
    private final HttpClient http;
    private final TtlMemoryCache cache = new TtlMemoryCache(System::nanoTime);

    public InMemoryOrderService(String name, URI catalog) {
        this.name = name;
        this.catalog = catalog;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ProductRead read(String productId) {
        long started = System.nanoTime();
        String path = "products/" + productId;
        TtlMemoryCache.Cached cached = cache.get(path);
        if (cached != null) {
            ProductBody body = ProductBody.parse(cached.status(), cached.body());
            return new ProductRead(productId, cached.status(), body.version(), body.priceCents(), "MEMORY", true,
                    started, System.nanoTime() - started);
        }
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(catalog.resolve(path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            cache.put(path, response.statusCode(), response.body(),
                    response.headers().firstValue("Cache-Control").orElse(null), started);
            long took = System.nanoTime() - started;
            ProductBody body = ProductBody.parse(response.statusCode(), response.body());
            return new ProductRead(productId, response.statusCode(), body.version(), body.priceCents(), "ORIGIN",
                    false, started, took);
        } catch (IOException e) {
            throw new IllegalStateException(name + ": GET /" + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted", e);
        }
    }

    @Override
    public void close() {
        // Nothing held but memory.
    }
}
