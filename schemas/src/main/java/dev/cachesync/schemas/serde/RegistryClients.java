package dev.cachesync.schemas.serde;

import dev.cachesync.schemas.registry.SchemaRegistryClient;
import dev.cachesync.schemas.security.RegistryAuth;
import org.apache.kafka.common.config.ConfigException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One registry client per URL and credentials per process, so every serde of a process shares one schema cache.
 * Credentials come from Confluent's keys ({@link RegistryAuth#fromSerdeConfig}).
 */
final class RegistryClients {

    private static final Map<Endpoint, SchemaRegistryClient> BY_ENDPOINT = new ConcurrentHashMap<>();

    private RegistryClients() {
    }

    static SchemaRegistryClient forConfig(Map<String, ?> configs) {
        Object value = configs.get(AvroSerdes.SCHEMA_REGISTRY_URL);
        if (value == null || value.toString().isBlank()) {
            throw new ConfigException(AvroSerdes.SCHEMA_REGISTRY_URL, value,
                    "is required: the base URL of a Confluent-compatible schema registry");
        }
        // Confluent accepts a comma-separated list; this client talks to the first one.
        String url = value.toString().split(",")[0].trim();
        RegistryAuth auth;
        try {
            auth = RegistryAuth.fromSerdeConfig(configs);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage()); // names the key, never the value
        }
        try {
            return BY_ENDPOINT.computeIfAbsent(new Endpoint(url, auth),
                    endpoint -> SchemaRegistryClient.builder(endpoint.url()).auth(endpoint.auth()).build());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(AvroSerdes.SCHEMA_REGISTRY_URL, value, e.getMessage());
        }
    }

    private record Endpoint(String url, RegistryAuth auth) {
    }

    static boolean booleanConfig(Map<String, ?> configs, String key, boolean defaultValue) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim();
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigException(key, value, "must be true or false");
    }
}
