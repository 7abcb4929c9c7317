package dev.cachesync.invalidator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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
}
