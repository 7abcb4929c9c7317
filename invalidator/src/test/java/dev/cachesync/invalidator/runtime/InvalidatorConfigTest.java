package dev.cachesync.invalidator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class InvalidatorConfigTest {

    @Test
    void defaultRegistryIsTheRegistrysOwnPortNotTheCatalogs() {
        // Apicurio (devstack, compose) answers on 8080; 8081 is the catalog API, which would answer every
        // schema lookup with a 404 problem and dead-letter valid events after the unknown-schema window
        assertThat(InvalidatorConfig.fromEnv(Map.of()).schemaRegistryUrl())
                .isEqualTo("http://127.0.0.1:8080/apis/ccompat/v7");
    }

    @Test
    void registryUrlComesFromTheEnvironment() {
        assertThat(InvalidatorConfig.fromEnv(Map.of("SCHEMA_REGISTRY_URL", "https://registry:8443")).schemaRegistryUrl())
                .isEqualTo("https://registry:8443");
    }

    @Test
    void internalTopicsTakeTheBrokersReplicationFactorUnlessOneIsGiven() {
        assertThat(InvalidatorApp.streamsConfig(InvalidatorConfig.fromEnv(Map.of())))
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        assertThat(InvalidatorApp.streamsConfig(InvalidatorConfig.fromEnv(Map.of("INVALIDATOR_REPLICATION_FACTOR", "3"))))
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3);
        assertThatThrownBy(() -> InvalidatorConfig.fromEnv(Map.of("INVALIDATOR_REPLICATION_FACTOR", "0")))
                .hasMessageContaining("INVALIDATOR_REPLICATION_FACTOR");
    }

    @Test
    void everyProducerWaitsForAllInSyncReplicasAndIsIdempotent() {
        InvalidatorConfig config = InvalidatorConfig.fromEnv(Map.of());
        assertThat(InvalidatorApp.streamsConfig(config))
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all")
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
        assertThat(InvalidatorApp.producerConfig(config, "-applied"))
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        InvalidatorConfig config = InvalidatorConfig.fromEnv(Map.of());
        assertThat(config.batching().linger()).isEqualTo(java.time.Duration.ofMillis(5));
        assertThat(config.batching().maxBatch()).isEqualTo(500);
        assertThat(config.sessionTimeout()).isEqualTo(java.time.Duration.ofSeconds(45));
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.createTopics()).isTrue();
        assertThat(config.stateDir().toString()).endsWith("cachesync-invalidator");
    }

    @Test
    void badValuesFailNamingTheVariableAndWhatItMustBe() {
        assertThatThrownBy(() -> InvalidatorConfig.fromEnv(Map.of("INVALIDATOR_BATCH_LINGER_MS", "abc")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("INVALIDATOR_BATCH_LINGER_MS must be a number of milliseconds of at least 0, was 'abc'");
        assertThatThrownBy(() -> InvalidatorConfig.fromEnv(Map.of("INVALIDATOR_HEAL_CHECK_MS", "0")))
                .hasMessageContaining("INVALIDATOR_HEAL_CHECK_MS");
        assertThatThrownBy(() -> InvalidatorConfig.fromEnv(Map.of("INVALIDATOR_BATCH_MAX_EVENTS", "0")))
                .hasMessage("INVALIDATOR_BATCH_MAX_EVENTS must be an integer of at least 1, was '0'");
        assertThatThrownBy(() -> InvalidatorConfig.fromEnv(Map.of("INVALIDATOR_HTTP_PORT", "70000")))
                .hasMessageContaining("INVALIDATOR_HTTP_PORT");
        assertThatThrownBy(() -> InvalidatorConfig.fromEnv(Map.of("INVALIDATOR_CREATE_TOPICS", "perhaps")))
                .hasMessage("INVALIDATOR_CREATE_TOPICS must be true or false, was 'perhaps'");
        assertThatThrownBy(() -> InvalidatorConfig.fromEnv(Map.of("REDIS_PORT", "sixty")))
                .hasMessageContaining("REDIS_PORT");
    }

    @Test
    void theReadmeTableListsEveryVariableWithItsDefault() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        // the state directory's default depends on the machine (java.io.tmpdir): the README writes $TMPDIR
        assertThat(InvalidatorConfig.DECLARED.differencesFrom(readme))
                .allMatch(difference -> difference.startsWith("INVALIDATOR_STATE_DIR: the table's default is '`$TMPDIR/"));
        assertThat(InvalidatorConfig.VARIABLES).contains("REDIS_HOST", "INVALIDATOR_COMMIT_INTERVAL_MS")
                .doesNotContainAnyElementsOf(InvalidatorConfig.SECURITY_VARIABLES);
    }
}
