package dev.cachesync.demo.orders;

import dev.cachesync.cache.catalog.CatalogClient;
import dev.cachesync.cache.catalog.Product;
import dev.cachesync.cache.catalog.ProductResult;
import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.cache.store.KeyLayout;
import java.net.URI;
import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * An order-service instance with cachesync: its own Redisson client (its own connections and near cache, as a
 * separate process would have) and a {@link CatalogClient} over a {@link CachingHttpClient}: near cache, then
 * Redis, then the catalog API.
 */
public final class CachesyncOrderService implements ProductReader {
    private final String name;
    private final RedissonClient redisson;
    private final CachingHttpClient client;
    private final CatalogClient catalog;

    /** An instance on a standalone Redis at {@code redisUri}. */
    public CachesyncOrderService(String name, String redisUri, String keyPrefix, URI catalog) {
        this(name, new RedisSettings(URI.create(redisUri).getHost(), URI.create(redisUri).getPort(), keyPrefix, false),
                catalog);
    }

    /**
     * An instance configured as an order service reading {@code REDIS_*} is ({@link RedisSettings}): a standalone
     * Redis, or a Redis Cluster whose cache is split into {@link RedisSettings#clusterSegments()} segments.
     */
    public CachesyncOrderService(String name, RedisSettings redis, URI catalog) {
        this.name = name;
        Config config = redis.redissonConfig();
        config.setLazyInitialization(false);
        // Small pools: the demo runs many instances in one JVM on a small machine.
        if (redis.cluster()) {
            // Reads go to primaries (RedisSettings); a replica connection serves only the pub/sub subscription.
            config.useClusterServers().setMasterConnectionMinimumIdleSize(2).setMasterConnectionPoolSize(16)
                    .setSlaveConnectionMinimumIdleSize(1).setSlaveConnectionPoolSize(2)
                    .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(4)
                    .setTimeout(2000).setRetryAttempts(3).setRetryInterval(500);
        } else {
            config.useSingleServer()
                    .setConnectionMinimumIdleSize(2).setConnectionPoolSize(16)
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
                    .origin(catalog)
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
    public boolean nearCacheHolds(String productId) {
        return client.store().readLocal(KeyLayout.entryKey(client.resolve("products/" + productId))) != null;
    }

    /** How many times this instance's near-cache subscription was (re-)established (each cleared it first). */
    public long nearCacheSubscriptions() {
        return client.store().nearCacheSubscriptions();
    }

    /** The cache client (its purger, stats, store). */
    public CachingHttpClient client() {
        return client;
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
