package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.OneInstance;
import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.store.CacheEntry;
import dev.cachesync.cache.store.EntryCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Near-cache hits sampled against a real redis-server: a copy Redis still holds, and one whose invalidation was lost. */
class NearHitAuditTest extends OneInstance {

    TestOrigin origin;
    String prefix;
    MeterRegistry registry;
    CachingHttpClient client;
    String key;

    @BeforeEach
    void start() {
        origin = TestOrigin.start();
        prefix = TestRedis.uniquePrefix("near-audit");
        registry = new SimpleMeterRegistry();
        client = CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix).origin(origin.uri())
                .meterRegistry(registry).sweepInterval(Duration.ZERO).redisTimeout(Duration.ofSeconds(5))
                .nearHitAudit(1.0, Duration.ofMillis(300)).build();
        origin.route("/products/1", r -> Reply.ok("{\"id\":\"1\",\"version\":1}", "Cache-Control", "max-age=60",
                "Cache-Tags", "product:1"));
        client.get("/products/1");
        key = origin.url("/products/1").toString();
        TestRedis.readIntoNearCache(client.store(), key);
    }

    @AfterEach
    void stop() {
        client.close();
        origin.close();
    }

    @Test
    void aNearHitOnTheCopyRedisHoldsIsConsistent() {
        assertThat(client.get("/products/1").source()).isEqualTo(CacheSource.LOCAL);

        await().atMost(Duration.ofSeconds(10)).until(() -> checks("consistent") >= 1);
        assertThat(checks("stale")).isZero();
    }

    @Test
    void aNearCopyKeptAfterRedisReplacedItWithoutAnInvalidationIsStale() {
        // A lost invalidation: the entry is replaced in Redis by a plain hash write, which publishes nothing.
        CacheEntry newer = TestRedis.entry("{\"id\":\"1\",\"version\":2}", client.store().sequence(), "product:1");
        client.store().redisson().<String, CacheEntry>getMap(client.store().layout().entries(), EntryCodec.INSTANCE)
                .fastPut(key, newer);

        var served = client.get("/products/1");
        assertThat(served.source()).isEqualTo(CacheSource.LOCAL);
        assertThat(served.bodyAsString()).contains("\"version\":1");

        await().atMost(Duration.ofSeconds(10)).until(() -> checks("stale") >= 1);
        assertThat(checks("consistent")).isZero();
    }

    @Test
    void aCopyWhoseInvalidationArrivesWithinTheGraceIsConsistent() {
        // What a racing purge looks like to a sample: Redis already without the entry, its message on the way.
        client.store().redisson().<String, CacheEntry>getMap(client.store().layout().entries(), EntryCodec.INSTANCE)
                .fastRemove(key);
        assertThat(client.get("/products/1").source()).isEqualTo(CacheSource.LOCAL);
        // Another process's purge by key publishes the invalidation this instance's near cache listens to.
        dev.cachesync.cache.manager.CacheManager.create(redisson, prefix).purge(List.of(), List.of(key));

        await().atMost(Duration.ofSeconds(10)).until(() -> checks("consistent") >= 1);
        assertThat(client.store().readLocal(key)).isNull();
        assertThat(checks("stale")).isZero();
    }

    @Test
    void samplingIsOffByDefaultAndItsRateIsChecked() {
        long auditThreads = auditThreads();
        try (CachingHttpClient plain = CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix)
                .origin(origin.uri()).sweepInterval(Duration.ZERO).build()) {
            TestRedis.readIntoNearCache(plain.store(), key);
            assertThat(plain.get("/products/1").source()).isEqualTo(CacheSource.LOCAL);
            assertThat(auditThreads()).as("no audit thread without a rate").isEqualTo(auditThreads);
        }
        assertThatThrownBy(() -> CachingHttpClient.builder().nearHitAudit(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CachingHttpClient.builder().nearHitAudit(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static long auditThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("cache-near-hit-audit")).count();
    }

    private double checks(String result) {
        return registry.get("cache.consistency.checks").tags("prefix", prefix, "result", result).counter().count();
    }
}
