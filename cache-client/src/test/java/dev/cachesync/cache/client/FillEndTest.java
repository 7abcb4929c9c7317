package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.TwoInstances;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * A reader waiting for another instance's fill learns that the fill ended, however it ended, and acts on it.
 * fillLockWait is a minute here: a waiter that only polled for an entry would sit it out, and the test's
 * 10 s bound on the waiter's answer would fail.
 */
class FillEndTest extends TwoInstances {

    TestOrigin origin;
    CachingHttpClient a;
    CachingHttpClient b;
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();
    ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void start() {
        origin = TestOrigin.start();
        String prefix = TestRedis.uniquePrefix("fill-end");
        a = client(redisA, prefix);
        b = client(redisB, prefix);
    }

    CachingHttpClient client(RedissonClient redisson, String prefix) {
        return client(redisson, prefix, Duration.ofSeconds(1));
    }

    CachingHttpClient client(RedissonClient redisson, String prefix, Duration lease) {
        return CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix).origin(origin.uri())
                .fillLockWait(Duration.ofMinutes(1)).fillLockTtl(lease).sweepInterval(Duration.ZERO).build();
    }

    /** With a near cache, so that a published fill end wakes its waiters. */
    CachingHttpClient nearCacheClient(RedissonClient redisson, String prefix) {
        return CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix).origin(origin.uri()).nearCache(true)
                .fillLockWait(Duration.ofMinutes(1)).sweepInterval(Duration.ZERO).build();
    }

    @AfterEach
    void stop() {
        release.countDown();
        callers.shutdownNow();
        a.close();
        b.close();
        origin.close();
    }

    /** The first call is held until {@link #release}; every call gets {@code reply}. */
    void route(String path, Reply first, Reply later) {
        origin.route(path, r -> {
            if (calls.incrementAndGet() == 1) {
                CachingHttpClientTest.awaitQuietly(release);
                return first;
            }
            return later;
        });
    }

    /** a fills (held at the origin), b waits for a's fill lock; then the origin answers a. */
    List<CachedHttpResponse> aFillsWhileBWaits(String path, Runnable whileHeld) throws Exception {
        Future<CachedHttpResponse> first = callers.submit(() -> a.get(path));
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1);
        Future<CachedHttpResponse> waiter = callers.submit(() -> b.get(path));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.stats().fillLockWaits() == 1);
        whileHeld.run();
        release.countDown();
        return List.of(first.get(10, TimeUnit.SECONDS), waiter.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aWaiterOfAnUncacheableFillAsksTheOriginAtOnce() throws Exception {
        Reply personal = Reply.ok("personal", "Cache-Control", "private, max-age=60");
        route("/me", personal, personal);

        List<CachedHttpResponse> r = aFillsWhileBWaits("/me", () -> { });

        assertThat(r).extracting(CachedHttpResponse::source).containsExactly(CacheSource.ORIGIN, CacheSource.ORIGIN);
        assertThat(origin.hits("/me")).isEqualTo(2);
    }

    @Test
    void aWaiterOfAFailedFillAsksTheOriginAtOnce() throws Exception {
        route("/flaky", new Reply(503, Map.of(), "down"), Reply.ok("up", "Cache-Control", "max-age=60"));

        List<CachedHttpResponse> r = aFillsWhileBWaits("/flaky", () -> { });

        assertThat(r.get(0).status()).isEqualTo(503);
        assertThat(r.get(1).bodyAsString()).isEqualTo("up");
    }

    @Test
    void aWaiterOfAFencedFillTakesTheLockAndStoresTheNewContent() throws Exception {
        route("/products/1", Reply.ok("v1", "Cache-Control", "max-age=60", "Cache-Tags", "product:1"),
                Reply.ok("v2", "Cache-Control", "max-age=60", "Cache-Tags", "product:1"));

        List<CachedHttpResponse> r = aFillsWhileBWaits("/products/1",
                () -> a.purger().purgeTags(List.of("product:1"))); // the product changes while a asks

        assertThat(r.get(1).bodyAsString()).isEqualTo("v2");
        assertThat(a.stats().fillsDiscardedByFence()).isEqualTo(1);
        assertThat(b.stats().fillsStored()).isEqualTo(1);
    }

    @Test
    void aWaiterWokenByAnInvalidationServesWhatIsStoredWithoutWaitingForTheLock() throws Exception {
        String prefix = TestRedis.uniquePrefix("fill-end-woken");
        CachingHttpClient writer = nearCacheClient(redisA, prefix);
        CachingHttpClient waiter = nearCacheClient(redisB, prefix);
        try {
            String key = waiter.resolve("/products/9").toString();
            // a fill lock nobody will end within the test: only the message can end the wait in time
            assertThat(writer.store().tryLock(key, "stuck-filler:1", Duration.ofMinutes(1))).isTrue();
            Future<CachedHttpResponse> answer = callers.submit(() -> waiter.get("/products/9"));
            await().atMost(Duration.ofSeconds(5)).until(() -> waiter.stats().fillLockWaits() == 1);

            long sequence = writer.store().sequence();
            long retain = System.currentTimeMillis() + 60_000;
            writer.store().fill(key, TestRedis.entry("v1", sequence, "product:9"), retain);
            // a replacing write publishes the key's invalidation, which wakes the waiter (a new entry publishes none)
            writer.store().fill(key, TestRedis.entry("v2", sequence, "product:9"), retain);

            CachedHttpResponse r = answer.get(10, TimeUnit.SECONDS);
            assertThat(r.source()).isEqualTo(CacheSource.REDIS);
            assertThat(r.bodyAsString()).isEqualTo("v2");
            assertThat(origin.hits("/products/9")).isZero();
        } finally {
            writer.close();
            waiter.close();
        }
    }

    @Test
    void aWaiterTakesOverFromACrashedFillerAfterOneLease() throws Exception {
        origin.route("/orphan", r -> Reply.ok("fresh", "Cache-Control", "max-age=60"));
        String key = b.resolve("/orphan").toString();
        // a filler that took the lock and died: nobody renews its lease or marks its end
        assertThat(a.store().tryLock(key, "crashed-instance:1", Duration.ofMillis(300))).isTrue();

        CachedHttpResponse r = callers.submit(() -> b.get("/orphan")).get(10, TimeUnit.SECONDS);

        assertThat(r.source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(b.stats().fillLockWaits()).isEqualTo(1);
        assertThat(b.stats().fillsStored()).isEqualTo(1);
    }

    @Test
    void aFillerThatOutlivesOneLeaseKeepsTheLock() throws Exception {
        route("/slow", Reply.ok("slow", "Cache-Control", "max-age=60"), Reply.ok("again", "Cache-Control",
                "max-age=60"));
        // a lease of 500 ms (renewed every 125 ms), so that three leases pass while the origin is held
        String prefix = TestRedis.uniquePrefix("fill-lease");
        a.close();
        b.close();
        a = client(redisA, prefix, Duration.ofMillis(500));
        b = client(redisB, prefix, Duration.ofMillis(500));
        Future<CachedHttpResponse> first = callers.submit(() -> a.get("/slow"));
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1);
        Future<CachedHttpResponse> waiter = callers.submit(() -> b.get("/slow"));
        // three leases pass while a's origin request is held: a renews, b keeps waiting
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> !waiter.isDone() && calls.get() == 1);
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("slow");
        assertThat(waiter.get(10, TimeUnit.SECONDS).source()).isEqualTo(CacheSource.REDIS);
        assertThat(calls.get()).isEqualTo(1);
    }
}
