package dev.cachesync.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.catalog.CatalogClient;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.spring.cache.CachesyncSpringCacheManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;

/** Which beans the auto-configuration contributes, and from which settings, on devstack's Redis. */
class CachesyncAutoConfigurationTest {

    final RedisServer redis = DevStack.redis();
    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CachesyncAutoConfiguration.class))
            .withPropertyValues("cachesync.client.sweep-interval=0s");

    @Test
    void theRedisVariablesConfigureItWithoutAnyCachesyncProperty() {
        // REDIS_* as the environment gives them (any property source counts, the OS environment included)
        runner.withPropertyValues("REDIS_HOST=" + redis.host(), "REDIS_PORT=" + redis.port(),
                "REDIS_KEY_PREFIX=from-variables:").run(context -> {
                    assertThat(context).hasNotFailed();
                    RedisSettings settings = context.getBean(RedisSettings.class);
                    assertThat(settings.port()).isEqualTo(redis.port());
                    assertThat(context.getBean(CachingHttpClient.class).store().layout().prefix())
                            .isEqualTo("from-variables:");
                    assertThat(context.getBean(CachingHttpClient.class).store().options().nearCacheLease())
                            .as("the builder's default").isEqualTo(java.time.Duration.ofSeconds(1));
                    assertThat(context).hasSingleBean(RedissonClient.class).hasSingleBean(CatalogClient.class)
                            .hasSingleBean(CachesyncSpringCacheManager.class);
                });
    }

    @Test
    void theApplicationsOwnRedissonClientAndMeterRegistryAreUsed() {
        RedissonClient own = RedisSettings.from(java.util.Map.of("REDIS_PORT", Integer.toString(redis.port())))
                .createRedisson();
        MeterRegistry registry = new SimpleMeterRegistry();
        try {
            runner.withBean(RedissonClient.class, () -> own).withBean(MeterRegistry.class, () -> registry)
                    .run(context -> {
                        assertThat(context).getBean(RedissonClient.class).isSameAs(own);
                        assertThat(context.getBean(CachingHttpClient.class).store().redisson()).isSameAs(own);
                        assertThat(registry.find("cache.gets").tag("cache", "catalog-cache").functionCounters())
                                .hasSize(2);
                    });
        } finally {
            own.shutdown();
        }
    }

    @Test
    void anApplicationCacheManagerOrTheSwitchKeepsTheAdapterOut() {
        runner.withPropertyValues("REDIS_PORT=" + redis.port())
                .withBean(CacheManager.class, ConcurrentMapCacheManager::new)
                .run(context -> assertThat(context).getBean(CacheManager.class)
                        .isInstanceOf(ConcurrentMapCacheManager.class));
        runner.withPropertyValues("REDIS_PORT=" + redis.port(), "cachesync.cache.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(CacheManager.class)
                        .hasSingleBean(CachingHttpClient.class));
    }

    @Test
    void theNearCacheLeasePropertyReachesTheStore() {
        runner.withPropertyValues("REDIS_PORT=" + redis.port(), "cachesync.client.near-cache-lease=3s")
                .run(context -> assertThat(context.getBean(CachingHttpClient.class).store().options()
                        .nearCacheLease()).isEqualTo(java.time.Duration.ofSeconds(3)));
    }
}
