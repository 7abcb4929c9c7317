package dev.cachesync.catalog.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachesync.catalog.auth.ApiKeys;
import dev.cachesync.catalog.auth.AuthSettings;
import dev.cachesync.catalog.auth.Scopes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogConfigTest {
    private static final String KEYS = ApiKeys.mint("writer", Scopes.WRITE).entry();

    /** {@code env} plus the one setting without which the service refuses to start: an API key. */
    private static Map<String, String> withAuth(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("CATALOG_AUTH_API_KEYS", KEYS);
        return all;
    }

    @Test
    void defaultsWorkAgainstALocalStack() {
        CatalogConfig config = CatalogConfig.fromEnv(withAuth(Map.of()));
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
        assertThat(CatalogConfig.fromEnv(withAuth(Map.of("OUTBOX_SENT_RETENTION_MINUTES", "90"))).outboxSentRetention())
                .isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> CatalogConfig.fromEnv(withAuth(Map.of("OUTBOX_SENT_RETENTION_MINUTES", "-1"))))
                .hasMessageContaining("OUTBOX_SENT_RETENTION_MINUTES");
    }

    @Test
    void variablesOverrideDefaults() {
        CatalogConfig config = CatalogConfig.fromEnv(withAuth(Map.of(
                "PORT", "9000", "JDBC_URL", "jdbc:postgresql://db/catalog", "JDBC_USER", "catalog",
                "CACHE_CONTROL", "public, max-age=5", "OUTBOX_RELAY_ENABLED", "false",
                "OUTBOX_POLL_INTERVAL_MS", "250", "KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092")));
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
        assertThatThrownBy(() -> CatalogConfig.fromEnv(withAuth(Map.of("PORT", "http"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PORT");
        assertThatThrownBy(() -> CatalogConfig.fromEnv(withAuth(Map.of("OUTBOX_BATCH_SIZE", "0"))))
                .hasMessageContaining("OUTBOX_BATCH_SIZE");
        assertThatThrownBy(() -> CatalogConfig.fromEnv(withAuth(Map.of("OUTBOX_RELAY_ENABLED", "maybe"))))
                .hasMessageContaining("OUTBOX_RELAY_ENABLED");
    }

    @Test
    void withoutAuthenticationSettingsTheServiceRefusesToStart() {
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CATALOG_AUTH_JWKS_URL").hasMessageContaining("CATALOG_AUTH_API_KEYS")
                .hasMessageContaining("CATALOG_AUTH_DISABLED=true");
        assertThat(CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_DISABLED", "true")).auth().disabled()).isTrue();
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_DISABLED", "true", "CATALOG_AUTH_API_KEYS", KEYS)))
                .hasMessageContaining("CATALOG_AUTH_DISABLED");
    }

    @Test
    void jwtSettingsMustBeComplete() {
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_JWKS_URL", "https://idp/jwks",
                "CATALOG_AUTH_JWT_AUDIENCE", "catalog"))).hasMessageContaining("CATALOG_AUTH_JWT_ISSUER");
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_JWKS_URL", "https://idp/jwks",
                "CATALOG_AUTH_JWT_ISSUER", "https://idp/"))).hasMessageContaining("CATALOG_AUTH_JWT_AUDIENCE");
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_JWT_ISSUER", "https://idp/",
                "CATALOG_AUTH_JWT_AUDIENCE", "catalog"))).hasMessageContaining("CATALOG_AUTH_JWKS_URL");
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_JWT_PUBLIC_KEY", "not a key",
                "CATALOG_AUTH_JWT_ISSUER", "https://idp/", "CATALOG_AUTH_JWT_AUDIENCE", "catalog")))
                .hasMessageContaining("CATALOG_AUTH_JWT_PUBLIC_KEY");
        AuthSettings auth = CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_JWKS_URL", "https://idp/jwks",
                "CATALOG_AUTH_JWT_ISSUER", "https://idp/", "CATALOG_AUTH_JWT_AUDIENCE", "catalog",
                "CATALOG_AUTH_READS", "authenticated")).auth();
        assertThat(auth.jwt().clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(auth.reads()).isEqualTo(AuthSettings.Reads.AUTHENTICATED);
        assertThatThrownBy(() -> CatalogConfig.fromEnv(withAuth(Map.of("CATALOG_AUTH_READS", "sometimes"))))
                .hasMessageContaining("CATALOG_AUTH_READS");
    }

    @Test
    void badApiKeyEntriesFailNamingTheVariableButNotEchoingTheEntry() {
        String pastedKey = ApiKeys.mint("oops", Scopes.WRITE).key();
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_API_KEYS", "ops " + pastedKey + " catalog:write")))
                .hasMessageContaining("CATALOG_AUTH_API_KEYS entry 1").hasMessageContaining("SHA-256")
                .message().doesNotContain(pastedKey);
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_API_KEYS", KEYS + ";" + KEYS)))
                .hasMessageContaining("entry 2").hasMessageContaining("twice");
    }

    @Test
    void apiKeysComeFromAFileSuchAsAMountedSecret(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ApiKeys.MintedKey key = ApiKeys.mint("from-file", Scopes.WRITE);
        java.nio.file.Path file = dir.resolve("keys");
        java.nio.file.Files.writeString(file, "# mounted from the Secret\n" + key.entry() + "\n");
        AuthSettings auth = CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_API_KEYS_FILE", file.toString())).auth();
        assertThat(auth.apiKeys().authenticate(key.key())).map(p -> p.name()).hasValue("api-key:from-file");
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_API_KEYS_FILE", dir.resolve("absent").toString())))
                .hasMessageContaining("CATALOG_AUTH_API_KEYS_FILE");
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_API_KEYS_FILE", file.toString(),
                "CATALOG_AUTH_API_KEYS", KEYS))).hasMessageContaining("not both");
    }

    @Test
    void theManagementPortDiffersFromTheApiPort() {
        assertThat(CatalogConfig.fromEnv(withAuth(Map.of())).managementPort()).isEqualTo(9081);
        assertThatThrownBy(() -> CatalogConfig.fromEnv(withAuth(Map.of("PORT", "9000", "CATALOG_MANAGEMENT_PORT", "9000"))))
                .hasMessageContaining("CATALOG_MANAGEMENT_PORT");
    }

    @Test
    void theConfigurationPrintsNoPassword() {
        CatalogConfig config = CatalogConfig.fromEnv(withAuth(Map.of("JDBC_PASSWORD", "s3cret-pw",
                "JDBC_URL", "jdbc:postgresql://db/catalog?user=catalog&password=url-s3cret")));
        assertThat(config.toString()).contains("jdbc:postgresql://db/catalog").doesNotContain("s3cret");
    }

    @Test
    void theReadmeTableListsEveryVariableWithItsDefault() throws Exception {
        assertThat(CatalogConfig.DECLARED.differencesFrom(java.nio.file.Files.readString(java.nio.file.Path.of("README.md"))))
                .isEmpty();
    }

    @Test
    void badValuesSayWhatWasExpectedAndSecretsAreNotShown() {
        assertThatThrownBy(() -> CatalogConfig.fromEnv(withAuth(Map.of("OUTBOX_POLL_INTERVAL_MS", "1s"))))
                .hasMessage("OUTBOX_POLL_INTERVAL_MS must be a number of milliseconds from 1 to 3600000, was '1s'");
        assertThatThrownBy(() -> CatalogConfig.fromEnv(withAuth(Map.of("DB_POOL_SIZE", "0"))))
                .hasMessage("DB_POOL_SIZE must be an integer from 1 to 1000, was '0'");
        assertThatThrownBy(() -> CatalogConfig.fromEnv(Map.of("CATALOG_AUTH_DISABLED", "yes")))
                .as("turning authentication off takes the word true").hasMessageContaining("CATALOG_AUTH_DISABLED");
        assertThat(CatalogConfig.DECLARED.find("JDBC_PASSWORD")).map(dev.cachesync.config.Variable::secret).hasValue(true);
        assertThat(CatalogConfig.DECLARED.find("CATALOG_AUTH_API_KEYS")).map(dev.cachesync.config.Variable::secret).hasValue(true);
    }
}
