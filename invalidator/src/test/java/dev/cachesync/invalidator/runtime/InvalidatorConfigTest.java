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
}
