package dev.cachesync.catalog.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogConfigTest {
    @Test
    void defaultsWorkAgainstALocalStack() {
        CatalogConfig config = CatalogConfig.fromEnv(Map.of());
        assertThat(config.port()).isEqualTo(8081);
        assertThat(config.jdbcUrl()).startsWith("jdbc:h2:mem:").contains("MODE=PostgreSQL");
        assertThat(config.kafkaBootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:8080/apis/ccompat/v7");
        assertThat(config.topic()).isEqualTo("catalog.product-events.v1");
        assertThat(config.cacheControl()).isEqualTo("public, max-age=30, stale-while-revalidate=30, stale-if-error=300");
        assertThat(config.relayEnabled()).isTrue();
        assertThat(config.jdbcUser()).isNull();
        assertThat(config.outboxSentRetention()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void outboxRetentionIsConfigurable() {
        assertThat(CatalogConfig.fromEnv(Map.of("OUTBOX_SENT_RETENTION_MINUTES", "90")).outboxSentRetention())
                .isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("OUTBOX_SENT_RETENTION_MINUTES", "-1")))
                .hasMessageContaining("OUTBOX_SENT_RETENTION_MINUTES");
    }

    @Test
    void variablesOverrideDefaults() {
        CatalogConfig config = CatalogConfig.fromEnv(Map.of(
                "PORT", "9000", "JDBC_URL", "jdbc:postgresql://db/catalog", "JDBC_USER", "catalog",
                "CACHE_CONTROL", "public, max-age=5", "OUTBOX_RELAY_ENABLED", "false",
                "OUTBOX_POLL_INTERVAL_MS", "250", "KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"));
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db/catalog");
        assertThat(config.jdbcUser()).isEqualTo("catalog");
        assertThat(config.cacheControl()).isEqualTo("public, max-age=5");
        assertThat(config.relayEnabled()).isFalse();
        assertThat(config.relayPollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.kafkaBootstrapServers()).isEqualTo("k1:9092,k2:9092");
    }

    @Test
    void badValuesFailNamingTheVariable() {
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("PORT", "http")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PORT");
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("OUTBOX_BATCH_SIZE", "0")))
                .hasMessageContaining("OUTBOX_BATCH_SIZE");
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("OUTBOX_RELAY_ENABLED", "maybe")))
                .hasMessageContaining("OUTBOX_RELAY_ENABLED");
    }
}
