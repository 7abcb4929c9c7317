package dev.cachesync.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachesync.demo.orders.CachesyncOrderService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The end of a run, once the writer stopped: what the catalog says of every product, and which products some reader
 * still gets in another version (no TTL fixes an old one within a run: each is a lost invalidation).
 */
final class Drain {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Drain() {
    }

    /** Products some reader gets in a version other than the catalog's. */
    static List<String> notCurrent(List<CachesyncOrderService> readers, Map<String, Long> catalog) {
        List<String> notCurrent = new ArrayList<>();
        catalog.forEach((id, version) -> {
            for (CachesyncOrderService reader : readers) {
                long read = reader.read(id).version();
                if (read != version) {
                    notCurrent.add(id + " (" + reader.name() + " v" + read + ", catalog v" + version + ")");
                    return;
                }
            }
        });
        return notCurrent;
    }

    /** Each product's version as the catalog API answers it now. */
    static Map<String, Long> catalogVersions(URI catalog, List<String> products) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Long> versions = new HashMap<>();
        for (String id : products) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(catalog.resolve("/products/" + id))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET /products/%s from the catalog", id).isEqualTo(200);
            versions.put(id, JSON.readTree(response.body()).path("version").asLong());
        }
        return versions;
    }
}
