package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

    @Test
    void defaultsWorkAgainstALocalRedis() {
        RedisSettings s = RedisSettings.from(Map.of());
        assertThat(s).isEqualTo(new RedisSettings("127.0.0.1", 6379, "catalog-cache:", false));
        assertThat(s.uri()).isEqualTo("redis://127.0.0.1:6379");
    }

    @Test
    void readsEveryVariable() {
        RedisSettings s = RedisSettings.from(Map.of("REDIS_HOST", "cache.internal", "REDIS_PORT", "6380",
                "REDIS_KEY_PREFIX", "orders:", "IS_ELASTICACHE", "true"));
        assertThat(s).isEqualTo(new RedisSettings("cache.internal", 6380, "orders:", true));
    }

    @Test
    void clusterNodesChooseAClusterConfigurationReadingFromPrimaries() {
        RedisSettings s = RedisSettings.from(Map.of("REDIS_CLUSTER_NODES", " 10.0.0.1:6379, 10.0.0.2:6379 ",
                "REDIS_PASSWORD", "s3cret"));
        assertThat(s.cluster()).isTrue();
        assertThat(s.clusterSegments()).isEqualTo(12);
        assertThat(s.nodeUris()).containsExactly("redis://10.0.0.1:6379", "redis://10.0.0.2:6379");
        org.redisson.config.Config config = s.redissonConfig();
        assertThat(config.isClusterConfig()).isTrue();
        assertThat(config.useClusterServers().getReadMode()).isEqualTo(org.redisson.config.ReadMode.MASTER);
        assertThat(s.toString()).contains("cluster").contains("12 segments").doesNotContain("s3cret");
        assertThat(RedisSettings.from(Map.of("REDIS_CLUSTER_NODES", "n:1", "REDIS_CLUSTER_SEGMENTS", "24"))
                .clusterSegments()).isEqualTo(24);
        assertThat(RedisSettings.from(Map.of()).cluster()).as("standalone by default").isFalse();
    }

    @Test
    void clusterSettingsThatCannotWorkAreRefused() {
        assertThatThrownBy(() -> RedisSettings.from(Map.of("REDIS_CLUSTER_SEGMENTS", "12")))
                .hasMessageContaining("REDIS_CLUSTER_NODES");
        assertThatThrownBy(() -> RedisSettings.from(Map.of("REDIS_CLUSTER_NODES", "n:1", "REDIS_CLUSTER_SEGMENTS",
                "0"))).hasMessageContaining("REDIS_CLUSTER_SEGMENTS");
        assertThatThrownBy(() -> RedisSettings.from(Map.of("REDIS_CLUSTER_NODES", "n:1", "REDIS_KEY_PREFIX",
                "{orders}:"))).hasMessageContaining("'{' or '}'");
    }

    @Test
    void aPasswordIsReadButNeverPrinted() {
        RedisSettings s = RedisSettings.from(Map.of("REDIS_PASSWORD", "s3cret"));
        assertThat(s.password()).isEqualTo("s3cret");
        assertThat(s.toString()).doesNotContain("s3cret").contains("password=set");
        assertThat(RedisSettings.from(Map.of("REDIS_PASSWORD", "")).password()).isNull();
    }

    @Test
    void passwordsAreSecretsAndIsElastiCacheIsABoolean() {
        assertThat(RedisSettings.DECLARED.list()).filteredOn(dev.cachesync.config.Variable::secret)
                .extracting(dev.cachesync.config.Variable::name).containsExactlyInAnyOrder("REDIS_PASSWORD",
                        "REDIS_SSL_TRUSTSTORE_PASSWORD", "REDIS_SSL_KEYSTORE_PASSWORD");
        assertThat(RedisSettings.from(Map.of("IS_ELASTICACHE", "yes")).elastiCache()).isTrue();
        assertThatThrownBy(() -> RedisSettings.from(Map.of("IS_ELASTICACHE", "sure")))
                .hasMessage("IS_ELASTICACHE must be true or false, was 'sure'");
        assertThatThrownBy(() -> RedisSettings.from(Map.of("REDIS_CLUSTER_NODES", "n:1", "REDIS_CLUSTER_SEGMENTS", "x")))
                .hasMessageStartingWith("REDIS_CLUSTER_SEGMENTS must be an integer from 1 to ");
    }

    @Test
    void badPortNamesTheVariable() {
        assertThatThrownBy(() -> RedisSettings.from(Map.of("REDIS_PORT", "sixty")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REDIS_PORT").hasMessageContaining("sixty");
    }

    @Test
    void tlsAndAnAclUserAreReadFromTheEnvironment() {
        RedisSettings s = RedisSettings.from(Map.of("REDIS_TLS", "true", "REDIS_USERNAME", "cachesync",
                "REDIS_PASSWORD", "s3cret"));
        assertThat(s.uri()).isEqualTo("rediss://127.0.0.1:6379");
        assertThat(s.tls()).isEqualTo(RedisSettings.Tls.DEFAULT);
        assertThat(s.redissonConfig().getUsername()).isEqualTo("cachesync");
        assertThat(s.toString()).contains("user=cachesync").doesNotContain("s3cret");
    }

    @Test
    void contradictoryTlsSettingsNameTheVariable() {
        assertThatThrownBy(() -> RedisSettings.from(Map.of("REDIS_TLS", "maybe")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REDIS_TLS");
        assertThatThrownBy(() -> RedisSettings.from(Map.of("REDIS_SSL_TRUSTSTORE_PATH", "/etc/hostname")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REDIS_SSL_TRUSTSTORE_PATH")
                .hasMessageContaining("REDIS_TLS");
        assertThatThrownBy(() -> RedisSettings.from(Map.of("REDIS_TLS", "true", "REDIS_SSL_TRUSTSTORE_PATH", "/nowhere.p12")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REDIS_SSL_TRUSTSTORE_PATH");
        assertThatThrownBy(() -> RedisSettings.from(Map.of("REDIS_USERNAME", "cachesync")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REDIS_PASSWORD");
    }

    @Test
    void aclRulesConfineTheUserToItsPrefixEscapingGlobCharacters() {
        String rules = RedisSettings.from(Map.of("REDIS_KEY_PREFIX", "shop[1]:")).aclRules();
        assertThat(rules).startsWith("resetkeys ~shop\\[1\\]:* ~{shop\\[1\\]:entries}:*")
                .contains("&{shop\\[1\\]:entries}:topic").endsWith("-@dangerous");
    }

    @Test
    void theReadmeGivesExactlyTheAclLineOfTheDefaultPrefix() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        assertThat(readme).contains("ACL SETUSER cachesync on >PASSWORD " + RedisSettings.from(Map.of()).aclRules() + "\n");
        assertThat(RedisSettings.DECLARED.differencesFrom(readme)).isEmpty();
    }
}
