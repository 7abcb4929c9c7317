package dev.cachesync.faults;

import dev.cachesync.cache.catalog.CatalogClient;
import dev.cachesync.cache.catalog.Product;
import dev.cachesync.cache.catalog.ProductResult;
import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.demo.orders.ProductRead;
import dev.cachesync.demo.orders.ProductReader;
import java.net.URI;
import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * An order-service instance as the suite runs it: its own Redisson client (its own connections and near cache, as
 * a separate process would have) configured as production configures it from {@code REDIS_*}
 * ({@link RedisSettings#redissonConfig()}: standalone, or a Redis Cluster read on its primaries), and a
 * {@link CatalogClient} over a {@link CachingHttpClient}: near cache, then Redis, then the catalog API.
 *
 * <p>The demo's {@code CachesyncOrderService} is the same on one {@code redis-server} only (it takes a URI); this one
 * takes the settings so the suite runs on both layouts. Folding the two into one needs a constructor of the demo's
 * that takes a Redisson {@link Config}.
 */
final class OrderServiceInstance implements ProductReader {
    private final String name;
    private final RedissonClient redisson;
    private final CachingHttpClient client;
    private final CatalogClient catalog;

    OrderServiceInstance(String name, RedisSettings redis, URI catalogUri) {
        this.name = name;
        Config config = redis.redissonConfig();
        config.setLazyInitialization(false);
        // Small pools: the suite runs several instances in one JVM on a small machine.
        if (redis.cluster()) {
            config.useClusterServers().setMasterConnectionMinimumIdleSize(2).setMasterConnectionPoolSize(16)
                    .setSlaveConnectionMinimumIdleSize(1).setSlaveConnectionPoolSize(2)
                    .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(4)
                    .setTimeout(2000).setRetryAttempts(1);
        } else {
            config.useSingleServer().setConnectionMinimumIdleSize(2).setConnectionPoolSize(16)
                    .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(4)
                    .setTimeout(2000).setRetryAttempts(1);
        }
        config.setThreads(2).setNettyThreads(4);
        this.redisson = Redisson.create(config);
        try {
            this.client = CachingHttpClient.builder()
                    .redisson(redisson)
                    .keyPrefix(redis.keyPrefix())
                    .clusterSegments(redis.clusterSegments())
                    .origin(catalogUri)
                    .nearCache(true)
                    .requestTimeout(Duration.ofSeconds(10))
                    .build();
            this.catalog = CatalogClient.builder().cachingClient(client).concurrency(1).build();
        } catch (RuntimeException e) {
            redisson.shutdown();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ProductRead read(String productId) {
        long started = System.nanoTime();
        ProductResult result = catalog.lookup(productId);
        long took = System.nanoTime() - started;
        if (result.status() == ProductResult.Status.FAILED) {
            throw new IllegalStateException(name + ": GET /products/" + productId + " failed: " + result.error());
        }
        CacheSource source = result.source();
        boolean hit = source == CacheSource.LOCAL || source == CacheSource.REDIS || source == CacheSource.STALE;
        Product product = result.productOrNull();
        return new ProductRead(productId, product != null ? 200 : 404, product != null ? product.version() : -1,
                product != null ? product.priceCents() : -1, source.name(), hit, started, took);
    }

    /** Whether this instance's near cache holds the product (no network involved). */
    boolean nearCacheHolds(String productId) {
        return client.store().readLocal(KeyLayout.entryKey(client.resolve("products/" + productId))) != null;
    }

    /** How many times this instance's near-cache subscription was (re-)established (each cleared it first). */
    long nearCacheSubscriptions() {
        return client.store().nearCacheSubscriptions();
    }

    @Override
    public void close() {
        try {
            catalog.close();
            client.close();
        } finally {
            redisson.shutdown();
        }
    }
}
