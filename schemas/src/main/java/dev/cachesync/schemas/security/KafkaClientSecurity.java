package dev.cachesync.schemas.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How every cachesync Kafka client (the relay's producer, the invalidator's Streams app, its CLI, the demo)
 * secures its connection: one environment variable per standard Kafka client property, named by the property
 * in upper case with dots as underscores and a {@code KAFKA_} prefix ({@code KAFKA_SASL_JAAS_CONFIG} ->
 * {@code sasl.jaas.config}). Only the variables in {@link #VARIABLES} are read; an unset variable leaves the
 * Kafka default. The convention and the ACLs each principal needs are documented in docs/transport-security.md.
 *
 * <pre>{@code
 * Map<String, Object> props = new HashMap<>(KafkaClientSecurity.fromEnv(System.getenv()).properties());
 * props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
 * }</pre>
 *
 * <p>{@link #toString()} names which properties are set and never prints a password or JAAS configuration.
 */
public final class KafkaClientSecurity {

    /** The variables read, in the order docs/transport-security.md lists them. */
    public static final List<String> VARIABLES = List.of(
            "KAFKA_SECURITY_PROTOCOL",
            "KAFKA_SASL_MECHANISM",
            "KAFKA_SASL_JAAS_CONFIG",
            "KAFKA_SSL_TRUSTSTORE_LOCATION",
            "KAFKA_SSL_TRUSTSTORE_PASSWORD",
            "KAFKA_SSL_TRUSTSTORE_TYPE",
            "KAFKA_SSL_KEYSTORE_LOCATION",
            "KAFKA_SSL_KEYSTORE_PASSWORD",
            "KAFKA_SSL_KEYSTORE_TYPE",
            "KAFKA_SSL_KEY_PASSWORD",
            "KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM");

    /** Properties whose values are secrets: never printed. */
    private static final Set<String> SECRET_PROPERTIES = Set.of(
            "sasl.jaas.config", "ssl.truststore.password", "ssl.keystore.password", "ssl.key.password");
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    /** Mechanisms whose credentials are in the JAAS configuration; GSSAPI and OAUTHBEARER may get them elsewhere. */
    private static final Set<String> MECHANISMS_NEEDING_JAAS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private static final KafkaClientSecurity NONE = new KafkaClientSecurity(Map.of());

    private final Map<String, String> properties;

    private KafkaClientSecurity(Map<String, String> properties) {
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** Plaintext, no authentication: Kafka's defaults. */
    public static KafkaClientSecurity none() {
        return NONE;
    }

    /**
     * Reads {@link #VARIABLES} from {@code env}.
     *
     * @throws IllegalArgumentException naming the variable, when a value is invalid or settings contradict
     *         each other (e.g. SASL credentials with a protocol that does not use SASL)
     */
    public static KafkaClientSecurity fromEnv(Map<String, String> env) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String variable : VARIABLES) {
            String value = env.get(variable);
            boolean endpointAlgorithm = variable.equals("KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM");
            // An empty endpoint identification algorithm is meaningful (no host name check); elsewhere empty = unset.
            if (value == null || (!endpointAlgorithm && value.isBlank())) {
                continue;
            }
            properties.put(propertyOf(variable), endpointAlgorithm ? value.trim() : value.strip());
        }
        validate(properties);
        return new KafkaClientSecurity(properties);
    }

    /** The Kafka client property a variable sets: {@code KAFKA_SSL_KEY_PASSWORD} -> {@code ssl.key.password}. */
    public static String propertyOf(String variable) {
        return variable.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** The variable that sets a Kafka client property: {@code ssl.key.password} -> {@code KAFKA_SSL_KEY_PASSWORD}. */
    public static String variableOf(String property) {
        return "KAFKA_" + property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * Client properties (e.g. a test broker's, {@code bootstrap.servers} included) as the environment variables
     * of this convention, for starting a service configured like its deployment.
     */
    public static Map<String, String> environmentOf(Map<String, ?> clientProperties) {
        Map<String, String> env = new LinkedHashMap<>();
        clientProperties.forEach((property, value) -> env.put(variableOf(property), String.valueOf(value)));
        return env;
    }

    /** The client properties to add to a producer, consumer, admin or Streams configuration. */
    public Map<String, Object> properties() {
        return Collections.unmodifiableMap(properties);
    }

    /** {@code PLAINTEXT} unless configured. */
    public String securityProtocol() {
        return properties.getOrDefault("security.protocol", "PLAINTEXT");
    }

    /** A copy of {@code config} with these properties added. */
    public Map<String, Object> addTo(Map<String, ?> config) {
        Map<String, Object> all = new LinkedHashMap<>(config);
        all.putAll(properties);
        return all;
    }

    @Override
    public String toString() {
        return "KafkaClientSecurity" + properties.entrySet().stream()
                .map(e -> e.getKey() + "=" + (SECRET_PROPERTIES.contains(e.getKey()) ? "[hidden]" : e.getValue()))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static void validate(Map<String, String> properties) {
        String protocol = properties.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("KAFKA_SECURITY_PROTOCOL must be one of " + sorted(PROTOCOLS)
                    + ", was '" + properties.get("security.protocol") + "'");
        }
        if (properties.containsKey("security.protocol")) {
            properties.put("security.protocol", protocol);
        }
        boolean sasl = protocol.startsWith("SASL_");
        boolean tls = protocol.endsWith("SSL");
        for (String variable : VARIABLES) {
            String property = propertyOf(variable);
            if (!properties.containsKey(property)) {
                continue;
            }
            if (property.startsWith("sasl.") && !sasl) {
                throw new IllegalArgumentException(variable + " is set but KAFKA_SECURITY_PROTOCOL is " + protocol
                        + ", which does not use SASL: set KAFKA_SECURITY_PROTOCOL=SASL_SSL");
            }
            if (property.startsWith("ssl.") && !tls) {
                throw new IllegalArgumentException(variable + " is set but KAFKA_SECURITY_PROTOCOL is " + protocol
                        + ", which does not use TLS: set KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL");
            }
            if (property.endsWith(".location") && !Files.isReadable(Path.of(properties.get(property)))) {
                throw new IllegalArgumentException(variable + " names no readable file: '"
                        + properties.get(property) + "'");
            }
        }
        if (sasl) {
            String mechanism = properties.getOrDefault("sasl.mechanism", "GSSAPI").toUpperCase(Locale.ROOT);
            if (MECHANISMS_NEEDING_JAAS.contains(mechanism) && !properties.containsKey("sasl.jaas.config")) {
                throw new IllegalArgumentException("KAFKA_SASL_JAAS_CONFIG is required with KAFKA_SASL_MECHANISM="
                        + mechanism + " (it carries the user name and password)");
            }
        }
        requirePair(properties, "ssl.truststore.location", "ssl.truststore.password",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD is set without KAFKA_SSL_TRUSTSTORE_LOCATION");
        requirePair(properties, "ssl.keystore.location", "ssl.keystore.password",
                "KAFKA_SSL_KEYSTORE_PASSWORD is set without KAFKA_SSL_KEYSTORE_LOCATION");
    }

    private static void requirePair(Map<String, String> properties, String location, String password, String message) {
        if (properties.containsKey(password) && !properties.containsKey(location)) {
            throw new IllegalArgumentException(message);
        }
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
