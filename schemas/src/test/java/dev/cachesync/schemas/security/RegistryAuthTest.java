package dev.cachesync.schemas.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;

import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class RegistryAuthTest {

    @Test
    void basicAuthFromTheEnvironmentBecomesConfluentsKeysAndAHeader() {
        RegistryAuth auth = RegistryAuth.fromEnv(Map.of("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "svc:pa:ss"));
        assertThat(auth.serdeConfig()).containsOnly(Map.entry("basic.auth.credentials.source", "USER_INFO"),
                Map.entry("basic.auth.user.info", "svc:pa:ss"));
        assertThat(auth.authorizationHeader()).hasValue("Basic " + Base64.getEncoder().encodeToString("svc:pa:ss".getBytes()));
        assertThat(RegistryAuth.fromSerdeConfig(auth.serdeConfig())).isEqualTo(auth);
        assertThat(auth.toString()).isEqualTo("RegistryAuth[basic auth]");
    }

    @Test
    void aBearerTokenFromTheEnvironmentOrFromAKafkaPassword() {
        RegistryAuth auth = RegistryAuth.fromEnv(Map.of("SCHEMA_REGISTRY_BEARER_AUTH_TOKEN", "tok-123"));
        assertThat(auth.authorizationHeader()).hasValue("Bearer tok-123");
        assertThat(auth.toString()).doesNotContain("tok-123");
        // Kafka hands password-typed settings over as Password, whose toString() is "[hidden]".
        assertThat(RegistryAuth.fromSerdeConfig(Map.of("bearer.auth.credentials.source", "STATIC_TOKEN",
                "bearer.auth.token", new Password("tok-123")))).isEqualTo(auth);
    }

    @Test
    void noneConfiguredSendsNothing() {
        assertThat(RegistryAuth.fromEnv(Map.of()).authorizationHeader()).isEmpty();
        assertThat(RegistryAuth.fromSerdeConfig(Map.of("schema.registry.url", "http://r")).isNone()).isTrue();
    }

    @Test
    void badSettingsNameTheKeyNeverTheSecret() {
        assertThatThrownBy(() -> RegistryAuth.fromEnv(Map.of("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "justsecret")))
                .hasMessageContaining("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO").hasMessageNotContaining("justsecret");
        assertThatThrownBy(() -> RegistryAuth.fromEnv(Map.of("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "a:b",
                "SCHEMA_REGISTRY_BEARER_AUTH_TOKEN", "t")))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> RegistryAuth.fromSerdeConfig(Map.of("basic.auth.credentials.source", "URL")))
                .hasMessageContaining("basic.auth.credentials.source").hasMessageContaining("USER_INFO");
        assertThatThrownBy(() -> RegistryAuth.fromSerdeConfig(Map.of("bearer.auth.credentials.source", "STATIC_TOKEN")))
                .hasMessageContaining("bearer.auth.token is required");
    }
}
