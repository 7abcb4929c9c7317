package dev.cachesync.auditor.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachesync.cache.http.StoredResponse;
import java.io.IOException;

/** The decoding behind {@link StoredVersion#of}. */
final class StoredVersions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredVersions() {
    }

    static StoredVersion read(StoredResponse response, String productId) {
        if (response.status() == 404) {
            return new StoredVersion.Absent();
        }
        if (response.status() != 200) {
            return new StoredVersion.Unreadable();
        }
        JsonNode body = parse(response.body());
        if (body != null && body.isObject()) {
            if (productId.equals(body.path("id").asText(null)) && body.path("version").canConvertToLong()) {
                return new StoredVersion.Known(body.path("version").asLong());
            }
            for (JsonNode product : body.path("products")) {
                if (productId.equals(product.path("id").asText(null)) && product.path("version").canConvertToLong()) {
                    return new StoredVersion.Known(product.path("version").asLong());
                }
            }
            for (JsonNode missing : body.path("missing")) {
                if (productId.equals(missing.asText(null))) {
                    return new StoredVersion.Absent();
                }
            }
        }
        return fromEtag(response.headers().first("ETag").orElse(null));
    }

    /** A product page's strong ETag, {@code "<version>"}; lists have {@code "l-<hash>"}, which says nothing. */
    private static StoredVersion fromEtag(String etag) {
        if (etag == null || etag.length() < 3 || !etag.startsWith("\"") || !etag.endsWith("\"")) {
            return new StoredVersion.Unreadable();
        }
        try {
            return new StoredVersion.Known(Long.parseLong(etag.substring(1, etag.length() - 1)));
        } catch (NumberFormatException e) {
            return new StoredVersion.Unreadable();
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
