package dev.cachesync.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachesync.cache.client.RedisSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cachesync.redis.* means what REDIS_* means, and the variables keep working underneath. */
class CachesyncPropertiesTest {

    @Test
    void theVariablesApplyWhereNoPropertyIsSet() {
        Map<String, String> env = Map.of("REDIS_HOST", "redis.internal", "REDIS_PORT", "6380",
                "REDIS_KEY_PREFIX", "orders-cache:", "REDIS_USERNAME", "cachesync", "REDIS_PASSWORD", "secret");
        RedisSettings settings = new CachesyncProperties().getRedis().settings(env::get);

        assertThat(settings).isEqualTo(RedisSettings.from(env));
    }

    @Test
    void aPropertyWinsOverItsVariable() {
        CachesyncProperties properties = new CachesyncProperties();
        properties.getRedis().setPort(7000);
        properties.getRedis().setKeyPrefix("spring-cache:");
        Map<String, String> env = Map.of("REDIS_HOST", "redis.internal", "REDIS_PORT", "6380");

        RedisSettings settings = properties.getRedis().settings(env::get);

        assertThat(settings.host()).isEqualTo("redis.internal");
        assertThat(settings.port()).isEqualTo(7000);
        assertThat(settings.keyPrefix()).isEqualTo("spring-cache:");
    }

    @Test
    void nothingSetMeansTheVariablesDefaults() {
        assertThat(new CachesyncProperties().getRedis().settings(name -> null)).isEqualTo(RedisSettings.from(Map.of()));
    }

    @Test
    void validationIsTheVariablesOwn() {
        CachesyncProperties properties = new CachesyncProperties();
        properties.getRedis().setUsername("cachesync");

        assertThatThrownBy(() -> properties.getRedis().settings(name -> null))
                .hasMessageContaining("REDIS_USERNAME is set without REDIS_PASSWORD");
    }
}
