package dev.cachesync.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The schemas a registry holds, by id, and their registration again after an in-memory registry restarted: what a
 * registry with durable storage would still hold. Registering in the order of the old ids gives the same ids
 * (the registry numbers content in order); {@link #restore} checks that it did.
 */
final class RegistrySnapshot {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private record Registered(String subject, int id, String schema) {
    }

    private final List<Registered> schemas;

    private RegistrySnapshot(List<Registered> schemas) {
        this.schemas = schemas;
    }

    int size() {
        return schemas.size();
    }

    static RegistrySnapshot take(String registryUrl) {
        HttpClient http = HttpClient.newHttpClient();
        List<Registered> found = new ArrayList<>();
        for (JsonNode subject : get(http, registryUrl + "/subjects")) {
            String encoded = URLEncoder.encode(subject.asText(), StandardCharsets.UTF_8);
            for (JsonNode version : get(http, registryUrl + "/subjects/" + encoded + "/versions")) {
                JsonNode registered = get(http, registryUrl + "/subjects/" + encoded + "/versions/" + version.asText());
                found.add(new Registered(subject.asText(), registered.path("id").asInt(),
                        registered.path("schema").asText()));
            }
        }
        found.sort(Comparator.comparingInt(Registered::id));
        return new RegistrySnapshot(List.copyOf(found));
    }

    /** Registers every schema again, in id order; fails if the registry gives one a different id. */
    void restore(String registryUrl) {
        HttpClient http = HttpClient.newHttpClient();
        for (Registered schema : schemas) {
            String encoded = URLEncoder.encode(schema.subject(), StandardCharsets.UTF_8);
            JsonNode answer = send(http, HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/" + encoded
                            + "/versions")).header("Content-Type", CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(write(Map.of("schema", schema.schema())))).build());
            int id = answer.path("id").asInt();
            if (id != schema.id()) {
                throw new IllegalStateException("the restarted registry gave " + schema.subject() + " id " + id
                        + ", not " + schema.id() + " as before: records written before cannot be read");
            }
        }
    }

    private static JsonNode get(HttpClient http, String url) {
        return send(http, HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private static JsonNode send(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(request, (n, v) -> true)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
