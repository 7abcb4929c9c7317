package dev.cachesync.spring.autoconfigure;

import dev.cachesync.cache.catalog.CatalogClient;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.spring.cache.CacheTags;
import dev.cachesync.spring.cache.CacheTagsInterceptor;
import dev.cachesync.spring.cache.CachesyncSpringCacheManager;
import dev.cachesync.spring.health.CachesyncHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * cache-client for Spring Boot: a {@link RedissonClient} (unless the application has one), a
 * {@link CachingHttpClient} and a {@link CatalogClient} from {@code cachesync.*} (and the {@code REDIS_*}
 * variables), metrics on the application's {@link MeterRegistry}, an Actuator health indicator, and a Spring
 * {@link org.springframework.cache.CacheManager} whose caches live on the same two tiers.
 */
@AutoConfiguration(
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@EnableConfigurationProperties(CachesyncProperties.class)
public class CachesyncAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CachesyncAutoConfiguration.class);

    /** The Redis settings: {@code cachesync.redis.*} over {@code REDIS_*} (from any property source). */
    @Bean
    @ConditionalOnMissingBean
    public RedisSettings cachesyncRedisSettings(CachesyncProperties properties, Environment environment) {
        RedisSettings settings = properties.getRedis().settings(environment::getProperty);
        log.info("[Cache] {}", settings); // never prints the password
        return settings;
    }

    @Bean(destroyMethod = "shutdown")
    @ConditionalOnMissingBean
    public RedissonClient cachesyncRedisson(RedisSettings settings) {
        return settings.createRedisson(); // lazy: the application starts while Redis is down
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public CachingHttpClient cachingHttpClient(RedissonClient redisson, RedisSettings settings,
                                               CachesyncProperties properties,
                                               ObjectProvider<MeterRegistry> meterRegistry) {
        CachesyncProperties.Client c = properties.getClient();
        CachingHttpClient.Builder b = CachingHttpClient.builder().redisson(redisson).keyPrefix(settings.keyPrefix())
                .clusterSegments(settings.clusterSegments());
        MeterRegistry registry = meterRegistry.getIfAvailable();
        if (registry != null) {
            b.meterRegistry(registry);
        }
        if (c.getOrigin() != null) {
            b.origin(c.getOrigin());
        }
        if (c.getNearCache() != null) {
            b.nearCache(c.getNearCache());
        }
        if (c.getNearCacheMaxEntries() != null) {
            b.nearCacheMaxEntries(c.getNearCacheMaxEntries());
        }
        if (c.getNearCacheLease() != null) {
            b.nearCacheLease(c.getNearCacheLease());
        }
        if (c.getMaxEntryBytes() != null) {
            b.maxEntryBytes(c.getMaxEntryBytes());
        }
        if (c.getRequestTimeout() != null) {
            b.requestTimeout(c.getRequestTimeout());
        }
        if (c.getRedisTimeout() != null) {
            b.redisTimeout(c.getRedisTimeout());
        }
        if (c.getRedisRetryAfter() != null) {
            b.redisRetryAfter(c.getRedisRetryAfter());
        }
        if (c.getFillLockWait() != null) {
            b.fillLockWait(c.getFillLockWait());
        }
        if (c.getFillLockTtl() != null) {
            b.fillLockTtl(c.getFillLockTtl());
        }
        if (c.getStaleRetention() != null) {
            b.staleRetention(c.getStaleRetention());
        }
        if (c.getMaxEntryLifetime() != null) {
            b.maxEntryLifetime(c.getMaxEntryLifetime());
        }
        if (c.getSweepInterval() != null) {
            b.sweepInterval(c.getSweepInterval());
        }
        if (c.getTagHeader() != null) {
            b.tagHeader(c.getTagHeader());
        }
        if (c.getMaxTagsPerResponse() != null) {
            b.maxTagsPerResponse(c.getMaxTagsPerResponse());
        }
        return b.build();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public CatalogClient catalogClient(CachingHttpClient cachingHttpClient, CachesyncProperties properties) {
        CatalogClient.Builder b = CatalogClient.builder().cachingClient(cachingHttpClient);
        if (properties.getCatalog().getConcurrency() != null) {
            b.concurrency(properties.getCatalog().getConcurrency());
        }
        return b.build();
    }

    /** The Spring Cache adapter, when the application defines no CacheManager of its own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(org.springframework.cache.CacheManager.class)
    @ConditionalOnProperty(prefix = "cachesync.cache", name = "enabled", matchIfMissing = true)
    static class SpringCacheConfiguration {

        @Bean
        @ConditionalOnMissingBean(org.springframework.cache.CacheManager.class)
        CachesyncSpringCacheManager cacheManager(CachingHttpClient cachingHttpClient, CachesyncProperties properties,
                                                 ObjectProvider<MeterRegistry> meterRegistry,
                                                 BeanFactory beanFactory) {
            List<String> trusted = new ArrayList<>(properties.getCache().getTrustedPackages());
            if (AutoConfigurationPackages.has(beanFactory)) {
                trusted.addAll(AutoConfigurationPackages.get(beanFactory));
            }
            trusted.add("dev.cachesync.");
            Duration retryAfter = properties.getClient().getRedisRetryAfter() != null
                    ? properties.getClient().getRedisRetryAfter() : Duration.ofSeconds(1);
            return new CachesyncSpringCacheManager(cachingHttpClient, trusted, properties.getCache().getTimeToLive(),
                    retryAfter, meterRegistry.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new),
                    Clock.systemUTC());
        }

        /** Sets the {@link CacheTags} of a method around Spring's cache advice (so: highest precedence). */
        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static Advisor cachesyncCacheTagsAdvisor() {
            DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
                    AnnotationMatchingPointcut.forMethodAnnotation(CacheTags.class), new CacheTagsInterceptor());
            advisor.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return advisor;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(prefix = "management.health.cachesync", name = "enabled", matchIfMissing = true)
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "cachesyncHealthIndicator")
        CachesyncHealthIndicator cachesyncHealthIndicator(CachingHttpClient cachingHttpClient) {
            return new CachesyncHealthIndicator(cachingHttpClient);
        }
    }
}
