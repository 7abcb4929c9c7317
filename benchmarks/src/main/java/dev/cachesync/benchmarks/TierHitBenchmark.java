package dev.cachesync.benchmarks;

import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachedHttpResponse;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.Origin;
import dev.cachesync.cache.http.Headers;
import dev.cachesync.devstack.RedisServer;
import java.net.URI;
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
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** One cache hit per operation: from the near cache (LOCAL) and from Redis (REDIS, near cache off). */
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

    @Benchmark
    public CachedHttpResponse redisHit() {
        return redisOnly.get(path);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        expect(nearCached.get(path), CacheSource.LOCAL);
        expect(redisOnly.get(path), CacheSource.REDIS);
        nearCached.close();
        redisOnly.close();
        redissonLocal.shutdown();
        redissonRedis.shutdown();
        redis.close();
    }
}
