package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestClock;
import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.TwoInstances;
import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.Headers;
import java.time.Duration;
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
 * Every GET/HEAD is counted exactly once in {@link ClientStats}, by how it was answered; background refreshes and
 * unsafe methods count no request. Each test makes one request of one kind against real Redis and a local origin
 * and asserts the exact change of all five request counters: a path that counted twice (say a 304 as a miss and
 * a hit), or not at all, fails here.
 */
class RequestStatsTest extends TwoInstances {

    /** The request counters of {@link ClientStats}. */
    record Counts(long local, long redis, long stale, long revalidated, long misses) {
        static Counts of(ClientStats s) {
            return new Counts(s.localHits(), s.redisHits(), s.staleServed(), s.revalidated(), s.misses());
        }

        Counts minus(Counts o) {
            return new Counts(local - o.local, redis - o.redis, stale - o.stale, revalidated - o.revalidated,
                    misses - o.misses);
        }
    }

    static final Counts LOCAL = new Counts(1, 0, 0, 0, 0);
    static final Counts REDIS = new Counts(0, 1, 0, 0, 0);
    static final Counts STALE = new Counts(0, 0, 1, 0, 0);
    static final Counts REVALIDATED = new Counts(0, 0, 0, 1, 0);
    static final Counts MISS = new Counts(0, 0, 0, 0, 1);
    static final Counts NOTHING = new Counts(0, 0, 0, 0, 0);

    TestOrigin origin;
    TestClock clock;
    String prefix;
    CachingHttpClient a;
    CachingHttpClient b;
    final ExecutorService callers = Executors.newCachedThreadPool();
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() {
        origin = TestOrigin.start();
        clock = new TestClock();
        prefix = TestRedis.uniquePrefix("stats");
        a = client(redisA);
        b = client(redisB);
    }

    CachingHttpClient client(RedissonClient redisson) {
        return CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix).origin(origin.uri()).clock(clock)
                .fillLockWait(Duration.ofSeconds(30)).sweepInterval(Duration.ZERO).build();
    }

    @AfterEach
    void stop() {
        release.countDown();
        callers.shutdownNow();
        a.close();
        b.close();
        origin.close();
    }

    /** Runs {@code request} on {@code client} and returns how the counters changed. */
    static Counts counted(CachingHttpClient client, Runnable request) {
        Counts before = Counts.of(client.stats());
        request.run();
        return Counts.of(client.stats()).minus(before);
    }

    @Test
    void aMissIsOneMiss() {
        origin.route("/p", r -> Reply.ok("p", "Cache-Control", "max-age=60"));
        assertThat(counted(a, () -> assertThat(a.get("/p").source()).isEqualTo(CacheSource.ORIGIN))).isEqualTo(MISS);
    }

    @Test
    void aNearCacheHitIsOneLocalHit() {
        origin.route("/p", r -> Reply.ok("p", "Cache-Control", "max-age=60"));
        a.get("/p");
        assertThat(counted(a, () -> assertThat(a.get("/p").source()).isEqualTo(CacheSource.LOCAL)))
                .isEqualTo(LOCAL);
    }

    @Test
    void aRedisHitIsOneRedisHit() {
        origin.route("/p", r -> Reply.ok("p", "Cache-Control", "max-age=60"));
        a.get("/p");
        assertThat(counted(b, () -> assertThat(b.get("/p").source()).isEqualTo(CacheSource.REDIS)))
                .isEqualTo(REDIS);
    }

    @Test
    void aHeadIsCountedLikeAGet() {
        origin.route("/p", r -> Reply.ok("p", "Cache-Control", "max-age=60"));
        CacheRequest head = new CacheRequest("HEAD", origin.url("/p"), Headers.EMPTY, null);
        assertThat(counted(a, () -> assertThat(a.send(head).source()).isEqualTo(CacheSource.ORIGIN)))
                .isEqualTo(MISS);
        a.get("/p");
        assertThat(counted(a, () -> assertThat(a.send(head).source()).isEqualTo(CacheSource.LOCAL)))
                .isEqualTo(LOCAL);
    }

    @Test
    void aRevalidationAnsweredWith304IsOneRevalidatedAndNoMiss() {
        origin.route("/e", r -> r.headers().first("If-None-Match").filter("\"v1\""::equals).isPresent()
                ? new Reply(304, Map.of("ETag", "\"v1\"", "Cache-Control", "max-age=60"), "")
                : Reply.ok("e", "ETag", "\"v1\"", "Cache-Control", "max-age=60"));
        a.get("/e");
        clock.advance(Duration.ofSeconds(61));
        assertThat(counted(a, () -> assertThat(a.get("/e").source()).isEqualTo(CacheSource.REVALIDATED)))
                .isEqualTo(REVALIDATED);
    }

    @Test
    void aRevalidationAnsweredWithANewResponseIsOneMiss() {
        AtomicInteger version = new AtomicInteger(1);
        origin.route("/e", r -> Reply.ok("v" + version.get(), "ETag", "\"v" + version.get() + "\"",
                "Cache-Control", "max-age=60"));
        a.get("/e");
        version.set(2);
        clock.advance(Duration.ofSeconds(61));
        assertThat(counted(a, () -> assertThat(a.get("/e").bodyAsString()).isEqualTo("v2"))).isEqualTo(MISS);
    }

    @Test
    void aStaleAnswerTheRequestAllowedIsOneStale() {
        origin.route("/p", r -> Reply.ok("p", "Cache-Control", "max-age=60"));
        a.get("/p");
        clock.advance(Duration.ofSeconds(70));
        assertThat(counted(a, () -> assertThat(a.get("/p", Headers.of("Cache-Control", "max-stale=60")).source())
                .isEqualTo(CacheSource.STALE))).isEqualTo(STALE);
    }

    @Test
    void aStaleWhileRevalidateAnswerIsOneStaleAndItsBackgroundRefreshCountsNothing() {
        origin.route("/s", r -> Reply.ok("s", "Cache-Control", "max-age=60, stale-while-revalidate=600"));
        a.get("/s");
        clock.advance(Duration.ofSeconds(70));

        Counts counts = counted(a, () -> {
            assertThat(a.get("/s").source()).isEqualTo(CacheSource.STALE);
            // the refresh has stored its answer: whatever it counts is in the figures now
            await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().fillsStored() == 2);
        });

        assertThat(origin.hits("/s")).isEqualTo(2);
        assertThat(counts).isEqualTo(STALE);
    }

    @Test
    void aStaleAnswerBecauseTheOriginFailedIsOneStale() {
        AtomicInteger calls = new AtomicInteger();
        origin.route("/p", r -> calls.incrementAndGet() == 1
                ? Reply.ok("p", "Cache-Control", "max-age=60, stale-if-error=600")
                : new Reply(503, Map.of(), "down"));
        a.get("/p");
        clock.advance(Duration.ofSeconds(70));
        assertThat(counted(a, () -> assertThat(a.get("/p").source()).isEqualTo(CacheSource.STALE)))
                .isEqualTo(STALE);
    }

    @Test
    void anOnlyIfCachedMissIsOneMiss() {
        assertThat(counted(a, () -> assertThat(a.get("/none", Headers.of("Cache-Control", "only-if-cached"))
                .status()).isEqualTo(504))).isEqualTo(MISS);
        assertThat(origin.hits("/none")).isZero();
    }

    @Test
    void anUncacheableResponseIsOneMissEachTime() {
        origin.route("/private", r -> Reply.ok("mine", "Cache-Control", "private, max-age=60"));
        assertThat(counted(a, () -> a.get("/private"))).isEqualTo(MISS);
        assertThat(counted(a, () -> a.get("/private"))).isEqualTo(MISS);
    }

    @Test
    void theCallersOwnConditionalAnsweredWith304IsOneMiss() {
        origin.route("/e", r -> r.headers().first("If-None-Match").filter("\"v1\""::equals).isPresent()
                ? new Reply(304, Map.of("ETag", "\"v1\""), "")
                : Reply.ok("e", "ETag", "\"v1\"", "Cache-Control", "max-age=60"));
        assertThat(counted(a, () -> assertThat(a.get("/e", Headers.of("If-None-Match", "\"v1\"")).status())
                .isEqualTo(304))).isEqualTo(MISS);
    }

    @Test
    void aRequestThatFailsIsOneMiss() {
        TestOrigin dead = TestOrigin.start();
        dead.stop();
        try (CachingHttpClient unreachable = CachingHttpClient.builder().redisson(redisA).keyPrefix(prefix)
                .origin(dead.uri()).sweepInterval(Duration.ZERO).build()) {
            assertThat(counted(unreachable, () -> assertThatThrownBy(() -> unreachable.get("/p"))
                    .isInstanceOf(OriginUnavailableException.class))).isEqualTo(MISS);
        } finally {
            dead.close();
        }
    }

    @Test
    void anUnsafeMethodCountsNoRequest() {
        origin.route("/p", r -> new Reply(204, Map.of(), ""));
        assertThat(counted(a, () -> a.send(new CacheRequest("POST", origin.url("/p"), Headers.EMPTY, null))))
                .isEqualTo(NOTHING);
    }

    @Test
    void aSingleFlightLeaderAndItsFollowerAreOneMissEach() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        origin.route("/hot", r -> {
            calls.incrementAndGet();
            CachingHttpClientTest.awaitQuietly(release);
            return Reply.ok("hot", "Cache-Control", "max-age=60");
        });
        Counts before = Counts.of(a.stats());

        Future<CachedHttpResponse> leader = callers.submit(() -> a.get("/hot"));
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1);
        Future<CachedHttpResponse> follower = callers.submit(() -> a.get("/hot"));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.singleFlightFollowers() == 1);
        release.countDown();

        assertThat(leader.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("hot");
        assertThat(follower.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("hot");
        assertThat(calls.get()).isEqualTo(1);
        assertThat(Counts.of(a.stats()).minus(before)).isEqualTo(new Counts(0, 0, 0, 0, 2));
    }

    @Test
    void aReaderServedByAnotherInstancesFillIsOneRedisHit() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        origin.route("/filled", r -> {
            calls.incrementAndGet();
            CachingHttpClientTest.awaitQuietly(release);
            return Reply.ok("filled", "Cache-Control", "max-age=60");
        });
        Future<CachedHttpResponse> filler = callers.submit(() -> a.get("/filled"));
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1);
        Counts before = Counts.of(b.stats());

        Future<CachedHttpResponse> waiter = callers.submit(() -> b.get("/filled"));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.stats().fillLockWaits() == 1);
        release.countDown();

        assertThat(filler.get(10, TimeUnit.SECONDS).source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(waiter.get(10, TimeUnit.SECONDS).source()).isEqualTo(CacheSource.REDIS);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(Counts.of(b.stats()).minus(before)).isEqualTo(REDIS);
    }
}
