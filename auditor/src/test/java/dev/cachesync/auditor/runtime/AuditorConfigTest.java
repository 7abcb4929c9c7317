package dev.cachesync.auditor.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditorConfigTest {

    @Test
    void defaultsWorkAgainstALocalStack() {
        AuditorConfig config = AuditorConfig.fromEnv(Map.of());
        assertThat(config.kafkaBootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.groupId()).isEqualTo("cachesync-auditor");
        assertThat(config.grace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.ninesWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(config.startAt()).isEqualTo("latest");
        assertThat(config.redis().keyPrefix()).isEqualTo("catalog-cache:");
    }

    @Test
    void readsItsVariablesAndRefusesMalformedOnesByName() {
        AuditorConfig config = AuditorConfig.fromEnv(Map.of("AUDITOR_GRACE_MS", "500", "AUDITOR_START_AT", "earliest",
                "AUDITOR_NINES_WINDOW_SECONDS", "600", "AUDITOR_GROUP_ID", "audit-eu", "REDIS_KEY_PREFIX", "shop:"));
        assertThat(config.grace()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.startAt()).isEqualTo("earliest");
        assertThat(config.ninesWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.groupId()).isEqualTo("audit-eu");
        assertThat(config.redis().keyPrefix()).isEqualTo("shop:");

        assertThatThrownBy(() -> AuditorConfig.fromEnv(Map.of("AUDITOR_GRACE_MS", "2s")))
                .hasMessageContaining("AUDITOR_GRACE_MS");
        assertThatThrownBy(() -> AuditorConfig.fromEnv(Map.of("AUDITOR_GRACE_MS", "0")))
                .hasMessageContaining("AUDITOR_GRACE_MS");
        assertThatThrownBy(() -> AuditorConfig.fromEnv(Map.of("AUDITOR_START_AT", "now")))
                .hasMessageContaining("AUDITOR_START_AT");
    }

    @Test
    void theVariableListsNameWhatTheSecuredTransportsRead() {
        assertThat(AuditorConfig.VARIABLES).contains("AUDITOR_GRACE_MS", "REDIS_KEY_PREFIX");
        assertThat(AuditorConfig.SECURITY_VARIABLES).contains("KAFKA_SASL_JAAS_CONFIG", "REDIS_TLS",
                "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO").doesNotContainAnyElementsOf(AuditorConfig.VARIABLES);
    }

    @Test
    void theReadmeTableListsEveryVariableWithItsDefault() throws Exception {
        assertThat(AuditorConfig.DECLARED.differencesFrom(java.nio.file.Files.readString(java.nio.file.Path.of("README.md"))))
                .isEmpty();
        assertThatThrownBy(() -> AuditorConfig.fromEnv(Map.of("AUDITOR_MAX_PENDING", "-3")))
                .hasMessage("AUDITOR_MAX_PENDING must be an integer of at least 1, was '-3'");
    }
}
