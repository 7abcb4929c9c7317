package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.devstack.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** A private Redis that the tests stop and restart: the cache degrades to the origin and recovers by itself. */
class RedisOutageTest {

    RedisServer redis;
    RedissonClient redisson;
    TestOrigin origin;
    CachingHttpClient client;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        redisson = TestRedis.client(redis);
        origin = TestOrigin.start();
        for (String path : new String[] {"/a", "/b", "/c"}) {
            origin.route(path, r -> Reply.ok("body" + path, "Cache-Control", "max-age=600"));
        }
        client = CachingHttpClient.builder().redisson(redisson).keyPrefix(TestRedis.uniquePrefix("outage"))
                .origin(origin.uri()).redisTimeout(Duration.ofMillis(200)).redisRetryAfter(Duration.ofMillis(200))
                .sweepInterval(Duration.ZERO).build();
    }

    @AfterEach
    void stop() {
        client.close();
        redisson.shutdown();
        origin.close();
        redis.close();
    }

    @Test
    void redisDownMeansOriginAnswersAndNoExceptionThenRecoveryIsAutomatic() {
        assertThat(client.get("/a").source()).isEqualTo(CacheSource.ORIGIN);

        redis.stop();

        CachedHttpResponse b = client.get("/b");
        assertThat(b.source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(b.bodyAsString()).isEqualTo("body/b");
        assertThat(client.get("/b").source()).isEqualTo(CacheSource.ORIGIN); // nothing stored while down
        assertThat(client.get("/a").source()).isEqualTo(CacheSource.LOCAL);  // near cache still answers
        assertThat(client.stats().redisErrors()).isPositive();

        redis.restart();

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            client.get("/c");
            return client.get("/c").fromCache();
        });
    }

    @Test
    void aRedisThatStopsAnsweringMeansOriginAnswersAndNoException() throws Exception {
        assertThat(client.get("/a").source()).isEqualTo(CacheSource.ORIGIN);

        // CLIENT PAUSE: Redis keeps its connections open but answers nothing for 3 s (a slow, not a dead, Redis).
        pause(redis, 3_000);
        CachedHttpResponse b = client.get("/b");
        assertThat(b.source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(b.bodyAsString()).isEqualTo("body/b");
        assertThat(client.stats().redisErrors()).isPositive();

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            client.get("/c");
            return client.get("/c").fromCache();
        });
    }

    /** Sends CLIENT PAUSE over a raw connection, so no client of the cache is involved. */
    private static void pause(RedisServer redis, int millis) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(redis.host(), redis.port())) {
            socket.getOutputStream().write(("CLIENT PAUSE " + millis + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] reply = new byte[5];
            assertThat(socket.getInputStream().readNBytes(reply, 0, 3)).isEqualTo(3);
            assertThat(new String(reply, 0, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("+OK");
        }
    }

    @Test
    void reconnectClearsTheNearCache() {
        String key = client.resolve("/a").toString();
        // a new client's first subscription event may clear its near cache just after the first read: wait for a copy
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            client.get("/a");
            return client.store().readLocal(key) != null;
        });
        assertThat(client.get("/a").source()).isEqualTo(CacheSource.LOCAL);

        redis.stop();
        redis.restart();

        // invalidation messages may have been lost while disconnected, so Redisson clears the near cache
        await().atMost(Duration.ofSeconds(30)).until(() -> client.store().readLocal(key) == null);
        assertThat(client.get("/a").source()).isEqualTo(CacheSource.ORIGIN);
    }

    @Test
    void aFillFromBeforeRedisLostItsDataIsFencedByAPurgeAfterwards() {
        String prefix = TestRedis.uniquePrefix("restart");
        CacheStore store = new CacheStore(redisson, prefix, new CacheStore.Options(false, 1, Duration.ofSeconds(5)));
        TagPurger purger = TagPurger.create(redisson, prefix);
        purger.purgeTags(List.of("product:1"));
        purger.purgeTags(List.of("product:2"));
        long t0 = store.sequence(); // a fill reads the sequence, then asks the origin...

        redis.stop();               // ...while Redis restarts without its data (or fails over to a lagging replica)
        redis.restart();
        long purged = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> purger.purgeTags(List.of("product:1")).sequence(), s -> s > 0);

        assertThat(purged).as("the purge after the loss is numbered above what fills read before it").isGreaterThan(t0);
        // refused twice over: the new dataset's epoch is newer than the fill (DataLossFillTest), and the purge's fence
        assertThat(store.fill("/p/1", TestRedis.entry("before the change", t0, "product:1"),
                System.currentTimeMillis() + 60_000)).isEqualTo(CacheStore.FillOutcome.DISCARDED_AFTER_DATA_LOSS);
        assertThat(store.read("/p/1")).isNull();
    }

    @Test
    void whileRedisIsUnreachableAReadThatStartsAfterAChangeDoesNotTakeAnOlderInFlightResponse() throws Exception {
        AtomicInteger version = new AtomicInteger(1);
        CountDownLatch firstRequestMayAnswer = new CountDownLatch(1);
        origin.route("/slow", r -> {
            String body = "v" + version.get();
            if (body.equals("v1")) {
                awaitQuietly(firstRequestMayAnswer);
            }
            return Reply.ok(body, "Cache-Control", "max-age=600");
        });
        redis.stop(); // this instance cannot read the purge sequence; a purge elsewhere may still be acknowledged

        CompletableFuture<CachedHttpResponse> early = CompletableFuture.supplyAsync(() -> client.get("/slow"));
        await().atMost(Duration.ofSeconds(10)).until(() -> origin.hits("/slow") == 1);
        version.set(2); // the change is made (and purged) while the early request is still at the origin
        CompletableFuture<CachedHttpResponse> late = CompletableFuture.supplyAsync(() -> client.get("/slow"));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.singleFlightFollowers() == 1);
        firstRequestMayAnswer.countDown();

        assertThat(early.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("v1");
        assertThat(late.get(10, TimeUnit.SECONDS).bodyAsString()).as("started after the change").isEqualTo("v2");
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
