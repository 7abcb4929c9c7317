package dev.cachesync.schemas.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientSecurityTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"relay\" password=\"jaas-secret\";";

    @TempDir
    Path dir;

    @Test
    void noVariablesMeansKafkasPlaintextDefaults() {
        KafkaClientSecurity security = KafkaClientSecurity.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:9092"));
        assertThat(security.properties()).isEmpty();
        assertThat(security.securityProtocol()).isEqualTo("PLAINTEXT");
    }

    @Test
    void clientPropertiesBecomeTheVariablesThatSetThem() throws Exception {
        // How tests configure a service for devstack's secured broker, whose settings are Kafka properties.
        Path truststore = Files.writeString(dir.resolve("truststore.p12"), "x");
        Map<String, Object> properties = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS, "ssl.truststore.location", truststore.toString(),
                "ssl.truststore.password", "trust-secret", "ssl.truststore.type", "PKCS12");
        Map<String, String> env = new java.util.HashMap<>(KafkaClientSecurity.environmentOf(properties));
        env.putAll(KafkaClientSecurity.environmentOf(Map.of("bootstrap.servers", "b:9093")));
        assertThat(env).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "b:9093").containsEntry("KAFKA_SASL_JAAS_CONFIG", JAAS);
        assertThat(KafkaClientSecurity.fromEnv(env).properties()).isEqualTo(properties);
        for (String variable : KafkaClientSecurity.VARIABLES) {
            assertThat(KafkaClientSecurity.variableOf(KafkaClientSecurity.propertyOf(variable))).isEqualTo(variable);
        }
    }

    @Test
    void everyVariableMapsToItsStandardClientProperty() throws Exception {
        Path truststore = Files.writeString(dir.resolve("truststore.p12"), "x");
        Path keystore = Files.writeString(dir.resolve("keystore.p12"), "x");
        KafkaClientSecurity security = KafkaClientSecurity.fromEnv(Map.ofEntries(
                Map.entry("KAFKA_SECURITY_PROTOCOL", "sasl_ssl"),
                Map.entry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
                Map.entry("KAFKA_SASL_JAAS_CONFIG", JAAS),
                Map.entry("KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString()),
                Map.entry("KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-secret"),
                Map.entry("KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12"),
                Map.entry("KAFKA_SSL_KEYSTORE_LOCATION", keystore.toString()),
                Map.entry("KAFKA_SSL_KEYSTORE_PASSWORD", "key-store-secret"),
                Map.entry("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12"),
                Map.entry("KAFKA_SSL_KEY_PASSWORD", "key-secret"),
                Map.entry("KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "")));

        assertThat(security.properties()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", JAAS),
                Map.entry("ssl.truststore.location", truststore.toString()),
                Map.entry("ssl.truststore.password", "trust-secret"),
                Map.entry("ssl.truststore.type", "PKCS12"),
                Map.entry("ssl.keystore.location", keystore.toString()),
                Map.entry("ssl.keystore.password", "key-store-secret"),
                Map.entry("ssl.keystore.type", "PKCS12"),
                Map.entry("ssl.key.password", "key-secret"),
                Map.entry("ssl.endpoint.identification.algorithm", ""));
        assertThat(security.addTo(Map.of("bootstrap.servers", "b:9093")))
                .containsEntry("bootstrap.servers", "b:9093").containsEntry("security.protocol", "SASL_SSL");
        assertThat(security.toString()).contains("security.protocol=SASL_SSL", "sasl.jaas.config=[hidden]")
                .doesNotContain("jaas-secret", "trust-secret", "key-store-secret", "key-secret");
        assertThat(KafkaClientSecurity.VARIABLES).allSatisfy(variable ->
                assertThat(security.properties()).containsKey(KafkaClientSecurity.propertyOf(variable)));
    }

    @Test
    void badOrContradictorySettingsFailNamingTheVariable() {
        assertThatThrownBy(() -> KafkaClientSecurity.fromEnv(Map.of("KAFKA_SECURITY_PROTOCOL", "TLS")))
                .hasMessageContaining("KAFKA_SECURITY_PROTOCOL").hasMessageContaining("SASL_SSL");
        assertThatThrownBy(() -> KafkaClientSecurity.fromEnv(Map.of("KAFKA_SASL_JAAS_CONFIG", JAAS)))
                .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG").hasMessageContaining("PLAINTEXT")
                .hasMessageNotContaining("jaas-secret");
        assertThatThrownBy(() -> KafkaClientSecurity.fromEnv(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "PLAIN")))
                .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG is required");
        assertThatThrownBy(() -> KafkaClientSecurity.fromEnv(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", dir.resolve("missing.p12").toString())))
                .hasMessageContaining("KAFKA_SSL_TRUSTSTORE_LOCATION").hasMessageContaining("missing.p12");
        assertThatThrownBy(() -> KafkaClientSecurity.fromEnv(Map.of("KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12")))
                .hasMessageContaining("KAFKA_SSL_TRUSTSTORE_TYPE").hasMessageContaining("does not use TLS");
        assertThatThrownBy(() -> KafkaClientSecurity.fromEnv(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-secret")))
                .hasMessageContaining("KAFKA_SSL_TRUSTSTORE_LOCATION").hasMessageNotContaining("trust-secret");
    }

    @Test
    void theDocumentationListsEveryVariableWithItsProperty() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "transport-security.md"));
        KafkaClientSecurity.VARIABLES.forEach(variable -> assertThat(doc)
                .contains("| `" + variable + "` | `" + KafkaClientSecurity.propertyOf(variable) + "`"));
        RegistryAuth.VARIABLES.forEach(variable -> assertThat(doc).contains("| `" + variable + "` |"));
    }
}
