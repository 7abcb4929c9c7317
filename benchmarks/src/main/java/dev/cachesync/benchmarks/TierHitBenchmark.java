package dev.cachesync.benchmarks;

import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachedHttpResponse;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.Origin;
import dev.cachesync.cache.http.Headers;
import dev.cachesync.cache.store.CacheEntry;
import dev.cachesync.cache.store.EntryCodec;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.devstack.RedisServer;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.Redisson;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * One cache hit per operation: from the near cache (LOCAL) and from Redis (REDIS, near cache off), each next to a
 * same-run baseline holding the same stored entry: a raw Caffeine {@code getIfPresent} for the near hit and a raw
 * Redisson {@code RMap.get} (plain map, same Redis, the cache's {@link EntryCodec}) for the Redis hit. The hits are
 * measured twice: through the whole HTTP client ({@code localHit}, {@code redisHit}: key normalisation, the
 * freshness decision, the response) and at the store, the tier itself ({@code storeNearHit}, {@code storeRedisHit}).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(1)
public class TierHitBenchmark {

    static final String BODY = "{\"id\":\"p-1\",\"name\":\"Shoe\",\"description\":\"A comfortable shoe\","
            + "\"priceCents\":1999,\"currency\":\"EUR\",\"stock\":3,\"categorySlug\":\"shoes\","
            + "\"brandSlug\":\"acme\",\"version\":7,\"updatedAt\":\"2026-01-02T03:04:05Z\"}";

    RedisServer redis;
    RedissonClient redissonLocal;
    RedissonClient redissonRedis;
    CachingHttpClient nearCached;
    CachingHttpClient redisOnly;
    RedissonClient redissonRaw;
    Cache<String, CacheEntry> caffeine;
    RMap<String, CacheEntry> rawMap;
    String key;
    final String path = "http://catalog.bench/products/p-1";

    @Setup(Level.Trial)
    public void setUp() {
        redis = RedisServer.start();
        redissonLocal = redisson(redis);
        redissonRedis = redisson(redis);
        Origin origin = request -> new Origin.Response(200, Headers.of("Cache-Control", "public, max-age=3600",
                "Cache-Tags", "product:p-1, category:shoes", "Content-Type", "application/json"),
                BODY.getBytes(StandardCharsets.UTF_8));
        nearCached = CachingHttpClient.builder().redisson(redissonLocal).keyPrefix("bench:").origin(origin)
                .sweepInterval(Duration.ZERO).build();
        redisOnly = CachingHttpClient.builder().redisson(redissonRedis).keyPrefix("bench:").origin(origin)
                .nearCache(false).sweepInterval(Duration.ZERO).build();
        nearCached.get(path);
        expect(nearCached.get(path), CacheSource.LOCAL);
        expect(redisOnly.get(path), CacheSource.REDIS);

        // the baselines hold the very entry the cache stored (same value, same size on the wire)
        key = KeyLayout.entryKey(path);
        CacheEntry entry = nearCached.store().readRaw(key);
        if (entry == null) {
            throw new IllegalStateException("no stored entry under " + key);
        }
        caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
        caffeine.put(key, entry);
        redissonRaw = redisson(redis);
        rawMap = redissonRaw.getMap("bench-raw:entries", EntryCodec.INSTANCE);
        rawMap.put(key, entry);
        if (caffeine.getIfPresent(key) == null || rawMap.get(key) == null) {
            throw new IllegalStateException("baseline entry missing");
        }
        if (nearCached.store().readLocal(key) == null || redisOnly.store().read(key) == null) {
            throw new IllegalStateException("store tiers do not hold the entry");
        }
    }

    static RedissonClient redisson(RedisServer redis) {
        Config config = new Config();
        config.useSingleServer().setAddress(redis.uri());
        return Redisson.create(config);
    }

    static void expect(CachedHttpResponse r, CacheSource source) {
        if (r.source() != source) {
            throw new IllegalStateException("expected " + source + " but got " + r.source());
        }
    }

    @Benchmark
    public CachedHttpResponse localHit() {
        return nearCached.get(path);
    }

    /** Baseline for {@code localHit}: a raw in-process cache lookup of the same entry. */
    @Benchmark
    public CacheEntry caffeineGetIfPresent() {
        return caffeine.getIfPresent(key);
    }

    /** The near-cache tier alone: the store's lookup of a checked entry (the key already normalised). */
    @Benchmark
    public CacheEntry storeNearHit() {
        return nearCached.store().readLocal(key);
    }

    /** The Redis tier alone: the store's one-script read and check (the key already normalised, near cache off). */
    @Benchmark
    public CacheEntry storeRedisHit() {
        return redisOnly.store().read(key);
    }

    @Benchmark
    public CachedHttpResponse redisHit() {
        return redisOnly.get(path);
    }

    /** Baseline for {@code redisHit}: one HGET of the same entry through a plain Redisson map, decoded. */
    @Benchmark
    public CacheEntry rmapGet() {
        return rawMap.get(key);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        expect(nearCached.get(path), CacheSource.LOCAL);
        expect(redisOnly.get(path), CacheSource.REDIS);
        nearCached.close();
        redisOnly.close();
        redissonLocal.shutdown();
        redissonRedis.shutdown();
        redissonRaw.shutdown();
        redis.close();
    }
}
