package dev.cachesync.demo.orders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The two fields of a product response the demo checks: its version (for staleness) and its price. */
record ProductBody(long version, long priceCents) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ProductBody parse(int status, byte[] body) {
        if (status != 200) {
            return new ProductBody(-1, -1);
        }
        try {
            JsonNode node = JSON.readTree(body);
            return new ProductBody(node.path("version").asLong(-1), node.path("priceCents").asLong(-1));
        } catch (IOException e) {
            throw new IllegalStateException("the catalog answered 200 with a body that is not a product: " + e, e);
        }
    }
}
