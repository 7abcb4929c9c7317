package dev.cachesync.schemas.serde;

import dev.cachesync.schemas.security.RegistryAuth;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Ready-configured Kafka {@link Serde}s for generated Avro classes, e.g. for Kafka Streams:
 *
 * <pre>{@code
 * Serde<ProductEvent> events = AvroSerdes.serde(ProductEvent.class, registryUrl);
 * builder.stream(Topics.PRODUCT_EVENTS, Consumed.with(Serdes.String(), events));
 * }</pre>
 *
 * Also the configuration keys of {@link AvroSerializer} and {@link AvroDeserializer} (Confluent's names).
 */
public final class AvroSerdes {

    /** Base URL of a Confluent-compatible schema registry. Required. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Serializer: register the record's schema under the subject (default true), or only look its id up. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Deserializer: return generated SpecificRecords (default true here) or GenericRecords. */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** Deserializer: generated class to read keys as (default: the class named like the writer schema). */
    public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";
    /** Deserializer: generated class to read values as (default: the class named like the writer schema). */
    public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";

    /** Credentials for the registry: {@code USER_INFO} (with {@code basic.auth.user.info}). See {@link RegistryAuth}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = RegistryAuth.BASIC_AUTH_CREDENTIALS_SOURCE;
    public static final String BASIC_AUTH_USER_INFO = RegistryAuth.BASIC_AUTH_USER_INFO;
    /** Credentials for the registry: {@code STATIC_TOKEN} (with {@code bearer.auth.token}). */
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = RegistryAuth.BEARER_AUTH_CREDENTIALS_SOURCE;
    public static final String BEARER_AUTH_TOKEN = RegistryAuth.BEARER_AUTH_TOKEN;

    private AvroSerdes() {
    }

    /** A value serde for {@code type}, registering schemas automatically. */
    public static <T extends SpecificRecord> Serde<T> serde(Class<T> type, String registryUrl) {
        return serde(type, Map.of(SCHEMA_REGISTRY_URL, Objects.requireNonNull(registryUrl, "registryUrl")), false);
    }

    /** A key serde for {@code type}, registering schemas automatically. */
    public static <T extends SpecificRecord> Serde<T> keySerde(Class<T> type, String registryUrl) {
        return serde(type, Map.of(SCHEMA_REGISTRY_URL, Objects.requireNonNull(registryUrl, "registryUrl")), true);
    }

    /** A value serde for {@code type} that sends {@code auth} to the registry, registering schemas automatically. */
    public static <T extends SpecificRecord> Serde<T> serde(Class<T> type, String registryUrl, RegistryAuth auth) {
        Map<String, Object> configs = new HashMap<>(auth.serdeConfig());
        configs.put(SCHEMA_REGISTRY_URL, Objects.requireNonNull(registryUrl, "registryUrl"));
        return serde(type, configs, false);
    }

    /** A serde for {@code type} configured with {@code configs} (the keys above). */
    public static <T extends SpecificRecord> Serde<T> serde(Class<T> type, Map<String, ?> configs, boolean isKey) {
        Objects.requireNonNull(type, "type");
        Map<String, Object> all = new HashMap<>(configs);
        AvroSerializer<T> serializer = new AvroSerializer<>();
        AvroDeserializer<T> deserializer = new AvroDeserializer<>(type);
        serializer.configure(all, isKey);
        deserializer.configure(all, isKey);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    /** Confluent's TopicNameStrategy: {@code <topic>-key} or {@code <topic>-value}. */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
