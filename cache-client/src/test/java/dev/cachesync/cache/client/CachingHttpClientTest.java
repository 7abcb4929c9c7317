package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestClock;
import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.TwoInstances;
import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.FreshnessPolicy;
import dev.cachesync.cache.http.Headers;
import dev.cachesync.devstack.DevStack;
import java.time.Duration;
import java.util.ArrayList;
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

/** The caching client over HTTP against a local origin and real Redis: tiers, RFC cases, purges. */
class CachingHttpClientTest extends TwoInstances {

    TestOrigin origin;
    TestClock clock;
    String prefix;
    CachingHttpClient a;
    CachingHttpClient b;

    @BeforeEach
    void start() {
        origin = TestOrigin.start();
        clock = new TestClock();
        prefix = TestRedis.uniquePrefix("client");
        a = client(redisA);
        b = client(redisB);
    }

    CachingHttpClient client(RedissonClient redisson) {
        return CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix).origin(origin.uri()).clock(clock)
                .fillLockWait(Duration.ofSeconds(5)).sweepInterval(Duration.ZERO).build();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        origin.close();
    }

    @Test
    void missThenLocalHitThenRedisHitOnAnotherInstance() {
        origin.route("/products/1", r -> Reply.ok("p1", "Cache-Control", "max-age=60", "Cache-Tags", "product:1"));

        CachedHttpResponse first = a.get("/products/1");
        CachedHttpResponse second = a.get("/products/1");
        CachedHttpResponse other = b.get("/products/1");
        CachedHttpResponse otherAgain = b.get("/products/1");

        assertThat(first.source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(second.source()).isEqualTo(CacheSource.LOCAL);
        assertThat(other.source()).isEqualTo(CacheSource.REDIS);
        assertThat(otherAgain.source()).isEqualTo(CacheSource.LOCAL);
        assertThat(List.of(first, second, other, otherAgain)).allMatch(r -> r.bodyAsString().equals("p1"));
        assertThat(origin.hits("/products/1")).isEqualTo(1);
        assertThat(a.stats().localHits()).isEqualTo(1);
    }

    @Test
    void purgeOfATagMakesEveryInstanceFetchTheChange() {
        AtomicInteger version = new AtomicInteger(1);
        origin.route("/products/1", r -> Reply.ok("v" + version.get(), "Cache-Control", "max-age=600",
                "Cache-Tags", "product:1, category:shoes"));
        a.get("/products/1");
        b.get("/products/1");

        version.set(2);
        a.purger().purgeTags(List.of("product:1"));

        await().atMost(Duration.ofSeconds(5)).until(() -> b.store().readLocal(b.resolve("/products/1").toString()) == null);
        CachedHttpResponse fresh = b.get("/products/1");
        assertThat(fresh.bodyAsString()).isEqualTo("v2");
        assertThat(fresh.source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(a.get("/products/1").bodyAsString()).isEqualTo("v2");
    }

    @Test
    void noStoreAndPrivateAreNeverCached() {
        origin.route("/ns", r -> Reply.ok("x", "Cache-Control", "no-store"));
        origin.route("/private", r -> Reply.ok("x", "Cache-Control", "private, max-age=60"));

        a.get("/ns");
        a.get("/private");
        assertThat(a.get("/ns").source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(b.get("/private").source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(origin.hits("/ns")).isEqualTo(2);
        assertThat(origin.hits("/private")).isEqualTo(2);
    }

    @Test
    void aResponseThatSetsACookieIsStoredOnlyWhenConfiguredAndThenWithoutTheCookie() {
        origin.route("/greeting", r -> Reply.ok("hello", "Cache-Control", "max-age=60", "Set-Cookie", "sid=first"));
        assertThat(a.get("/greeting").header("Set-Cookie")).contains("sid=first");
        assertThat(a.get("/greeting").source()).as("not stored by default").isEqualTo(CacheSource.ORIGIN);

        try (CachingHttpClient storing = CachingHttpClient.builder().redisson(redisA).keyPrefix(prefix)
                .origin(origin.uri()).storeSetCookieResponses(true).sweepInterval(Duration.ZERO).build()) {
            assertThat(storing.get("/greeting").header("Set-Cookie")).as("the caller's own response")
                    .contains("sid=first");
            CachedHttpResponse hit = storing.get("/greeting");
            assertThat(hit.source()).isEqualTo(CacheSource.LOCAL);
            assertThat(hit.header("Set-Cookie")).as("never replayed").isEmpty();
            assertThat(b.get("/greeting").header("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void etagRevalidationWith304RefreshesTheEntry() {
        origin.route("/e", r -> r.headers().first("If-None-Match").filter("\"v1\""::equals).isPresent()
                ? new Reply(304, Map.of("ETag", "\"v1\"", "Cache-Control", "max-age=60"), "")
                : Reply.ok("body-v1", "ETag", "\"v1\"", "Cache-Control", "max-age=0"));

        assertThat(a.get("/e").source()).isEqualTo(CacheSource.ORIGIN);
        CachedHttpResponse revalidated = b.get("/e");

        assertThat(revalidated.source()).isEqualTo(CacheSource.REVALIDATED);
        assertThat(revalidated.bodyAsString()).isEqualTo("body-v1");
        assertThat(origin.lastRequest("/e").headers().first("If-None-Match")).contains("\"v1\"");
        assertThat(b.stats().revalidated()).as("each request counted once").isEqualTo(1);
        assertThat(b.stats().misses()).isZero();
        // the 304's max-age=60 now applies to the stored entry, for every instance, once b's write has
        // invalidated a's near-cache copy (pub/sub; until then a reads its own old copy and revalidates too)
        String key = a.resolve("/e").toString();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.store().readLocal(key) == null);
        assertThat(a.get("/e").source()).isIn(CacheSource.REDIS, CacheSource.LOCAL);
        assertThat(origin.hits("/e")).isEqualTo(2);
    }

    @Test
    void aCallersOwnValidatorNeverRevalidatesTheStoredResponse() {
        // The stored copy has only Last-Modified; the caller holds a newer copy and asks with its own ETag. The
        // origin's 304 is about the caller's copy: it must reach the caller as it is and refresh nothing stored.
        String oldDate = FreshnessPolicy.formatDate(clock.millis() - 3_600_000);
        String newDate = FreshnessPolicy.formatDate(clock.millis());
        AtomicInteger version = new AtomicInteger(1);
        origin.route("/lm", r -> {
            if (version.get() == 1) {
                return Reply.ok("v1", "Last-Modified", oldDate, "Cache-Control", "max-age=60");
            }
            // RFC 9110 13.2.2: If-None-Match is evaluated first; If-Modified-Since only without it
            boolean current = r.headers().contains("If-None-Match")
                    ? r.headers().first("If-None-Match").filter("\"v2\""::equals).isPresent()
                    : r.headers().first("If-Modified-Since").filter(newDate::equals).isPresent();
            return current ? new Reply(304, Map.of("ETag", "\"v2\"", "Last-Modified", newDate), "")
                    : Reply.ok("v2", "ETag", "\"v2\"", "Last-Modified", newDate, "Cache-Control", "max-age=60");
        });
        a.get("/lm");
        version.set(2);
        clock.advance(Duration.ofSeconds(61));

        CachedHttpResponse own = a.get("/lm", Headers.of("If-None-Match", "\"v2\""));
        CachedHttpResponse plain = a.get("/lm");

        assertThat(own.status()).as("the caller's own copy is current").isEqualTo(304);
        assertThat(plain.bodyAsString()).as("the stored v1 was not refreshed by a 304 about v2").isEqualTo("v2");
    }

    @Test
    void noCacheResponsesAreStoredButAlwaysRevalidated() {
        origin.route("/nc", r -> r.headers().contains("If-None-Match")
                ? new Reply(304, Map.of("ETag", "\"n\""), "")
                : Reply.ok("nc", "ETag", "\"n\"", "Cache-Control", "no-cache, max-age=600"));
        a.get("/nc");
        assertThat(a.get("/nc").source()).isEqualTo(CacheSource.REVALIDATED);
        assertThat(a.get("/nc").source()).isEqualTo(CacheSource.REVALIDATED);
        assertThat(origin.hits("/nc")).isEqualTo(3);
    }

    @Test
    void varyKeepsOneVariantPerHeaderValueAndARequestWithoutTheHeaderHits() {
        origin.route("/v", r -> Reply.ok("lang=" + r.headers().first("Accept-Language").orElse("none"),
                "Cache-Control", "max-age=60", "Vary", "Accept-Language"));

        assertThat(a.get("/v").bodyAsString()).isEqualTo("lang=none");
        assertThat(a.get("/v", Headers.of("Accept-Language", "de")).bodyAsString()).isEqualTo("lang=de");
        CachedHttpResponse none = b.get("/v");
        CachedHttpResponse german = b.get("/v", Headers.of("Accept-Language", "de"));

        assertThat(none.bodyAsString()).isEqualTo("lang=none");
        assertThat(none.source()).isEqualTo(CacheSource.REDIS);
        assertThat(german.bodyAsString()).isEqualTo("lang=de");
        assertThat(german.fromCache()).isTrue();
        assertThat(b.get("/v", Headers.of("Accept-Language", "fr")).bodyAsString()).isEqualTo("lang=fr");
        assertThat(origin.hits("/v")).isEqualTo(3);
    }

    @Test
    void ageHeaderTellsHowOldAServedResponseIs() {
        origin.route("/age", r -> Reply.ok("x", "Cache-Control", "max-age=60"));
        a.get("/age");
        clock.advance(Duration.ofSeconds(10));
        CachedHttpResponse hit = a.get("/age");
        assertThat(hit.source()).isEqualTo(CacheSource.LOCAL);
        assertThat(hit.header("Age")).contains("10");
    }

    @Test
    void staleIfErrorServesStoredResponseWhenOriginIsUnreachable() {
        origin.route("/sie", r -> Reply.ok("kept", "Cache-Control", "max-age=1, stale-if-error=600"));
        origin.route("/strict", r -> Reply.ok("strict", "Cache-Control", "max-age=1"));
        a.get("/sie");
        a.get("/strict");
        clock.advance(Duration.ofSeconds(30));
        origin.stop();

        CachedHttpResponse stale = b.get("/sie");
        assertThat(stale.source()).isEqualTo(CacheSource.STALE);
        assertThat(stale.bodyAsString()).isEqualTo("kept");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.get("/strict"))
                .isInstanceOf(OriginUnavailableException.class);
    }

    @Test
    void staleIfErrorOn5xx() {
        AtomicInteger calls = new AtomicInteger();
        origin.route("/5xx", r -> calls.incrementAndGet() == 1
                ? Reply.ok("good", "Cache-Control", "max-age=1, stale-if-error=600")
                : new Reply(503, Map.of(), "down"));
        a.get("/5xx");
        clock.advance(Duration.ofSeconds(5));
        CachedHttpResponse r = a.get("/5xx");
        assertThat(r.source()).isEqualTo(CacheSource.STALE);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyAsString()).isEqualTo("good");
    }

    @Test
    void staleWhileRevalidateAnswersAtOnceAndRefreshesInTheBackground() {
        AtomicInteger version = new AtomicInteger(1);
        origin.route("/swr", r -> Reply.ok("v" + version.get(), "Cache-Control",
                "max-age=60, stale-while-revalidate=600"));
        a.get("/swr");
        version.set(2);
        clock.advance(Duration.ofSeconds(90));

        CachedHttpResponse stale = a.get("/swr");

        assertThat(stale.source()).isEqualTo(CacheSource.STALE);
        assertThat(stale.bodyAsString()).isEqualTo("v1");
        await().atMost(Duration.ofSeconds(5)).until(() -> origin.hits("/swr") == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.get("/swr").bodyAsString().equals("v2"));
    }

    @Test
    void unsafeMethodSuccessPurgesTheUrl() {
        origin.route("/products/3", r -> r.method().equals("PUT") ? new Reply(204, Map.of(), "")
                : Reply.ok("p3", "Cache-Control", "max-age=600"));
        a.get("/products/3");
        b.get("/products/3");

        CachedHttpResponse put = a.send(new CacheRequest("PUT", a.resolve("/products/3"), Headers.EMPTY,
                "{}".getBytes()));

        assertThat(put.status()).isEqualTo(204);
        String key = b.resolve("/products/3").toString();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.store().readLocal(key) == null);
        assertThat(b.get("/products/3").source()).isEqualTo(CacheSource.ORIGIN);
    }

    @Test
    void aRedirectToAnUnsafeMethodPurgesTooAnd4xxDoesNot() {
        origin.route("/products/4", r -> switch (r.method()) {
            case "POST" -> new Reply(303, Map.of("Location", "/products/4"), "");
            case "PUT" -> new Reply(409, Map.of(), "conflict");
            default -> Reply.ok("p4", "Cache-Control", "max-age=600");
        });
        String key = b.resolve("/products/4").toString();
        b.get("/products/4");

        a.send(new CacheRequest("PUT", a.resolve("/products/4"), Headers.EMPTY, "{}".getBytes()));
        assertThat(b.store().readRaw(key)).as("a 409 changes nothing").isNotNull();

        a.send(new CacheRequest("POST", a.resolve("/products/4"), Headers.EMPTY, "{}".getBytes()));
        assertThat(b.store().readRaw(key)).as("a 303 is a non-error status: purged").isNull();
    }

    @Test
    void onlyIfCachedAnswers504WhenNothingSuitableIsStored() {
        origin.route("/oic", r -> Reply.ok("stored", "Cache-Control", "max-age=60"));
        Headers onlyIfCached = Headers.of("Cache-Control", "only-if-cached");

        CachedHttpResponse none = a.get("/oic", onlyIfCached);
        assertThat(none.status()).isEqualTo(504);
        assertThat(none.source()).isEqualTo(CacheSource.NONE);
        assertThat(origin.hits("/oic")).isZero();

        a.get("/oic");
        assertThat(b.get("/oic", onlyIfCached).bodyAsString()).isEqualTo("stored");
        clock.advance(Duration.ofSeconds(120));
        assertThat(b.get("/oic", onlyIfCached).status()).as("stale is not suitable").isEqualTo(504);
        assertThat(origin.hits("/oic")).isEqualTo(1);
    }

    @Test
    void everySpellingOfAUrlIsOneEntryForFillsReadsAndPurges() {
        origin.route("/products/5", r -> Reply.ok("p5", "Cache-Control", "max-age=600"));
        String host = origin.uri().getHost();
        int port = origin.uri().getPort();
        a.get("http://" + host + ":" + port + "/products/5#details");

        assertThat(b.get("HTTP://" + host + ":" + port + "/products/%35").source()).isEqualTo(CacheSource.REDIS);
        assertThat(a.purger().purgeUrls(List.of(java.net.URI.create("http://" + host + ":" + port
                + "/x/../products/5"))).entriesRemoved()).isEqualTo(1);
    }

    @Test
    void largerThanMaxEntryBytesPassesThroughUncached() {
        try (CachingHttpClient small = CachingHttpClient.builder().redisson(redisA).keyPrefix(prefix)
                .origin(origin.uri()).maxEntryBytes(1000).sweepInterval(Duration.ZERO).build()) {
            origin.route("/big", r -> Reply.ok("x".repeat(5000), "Cache-Control", "max-age=60"));
            origin.route("/small", r -> Reply.ok("x", "Cache-Control", "max-age=60"));
            assertThat(small.get("/big").bodyAsString()).as("passed through whole").hasSize(5000);
            small.get("/small");
            assertThat(small.get("/big").source()).isEqualTo(CacheSource.ORIGIN);
            assertThat(small.get("/small").source()).isEqualTo(CacheSource.LOCAL);
        }
    }

    @Test
    void theSizeCapIsPerEntryTheOldestVariantsMakeRoom() {
        try (CachingHttpClient small = CachingHttpClient.builder().redisson(redisA).keyPrefix(prefix)
                .origin(origin.uri()).maxEntryBytes(1000).sweepInterval(Duration.ZERO).build()) {
            origin.route("/lang", r -> Reply.ok(r.headers().first("Accept-Language").orElse("") + "x".repeat(500),
                    "Cache-Control", "max-age=60", "Vary", "Accept-Language"));
            small.get("/lang", Headers.of("Accept-Language", "de"));
            small.get("/lang", Headers.of("Accept-Language", "fr"));

            var entry = small.store().readRaw(small.resolve("/lang").toString());
            assertThat(entry.approximateSize()).isLessThanOrEqualTo(1000);
            assertThat(entry.variants()).singleElement()
                    .satisfies(v -> assertThat(v.varyValues()).containsEntry("accept-language", "fr"));
        }
    }

    @Test
    void aResponseWithMoreTagsThanTheCapIsNotStored() {
        StringBuilder tags = new StringBuilder("t:0");
        for (int i = 1; i < 65; i++) {
            tags.append(", t:").append(i);
        }
        origin.route("/many", r -> Reply.ok("m", "Cache-Control", "max-age=60", "Cache-Tags", tags.toString()));
        a.get("/many");
        assertThat(a.get("/many").source()).as("65 tags > default 64").isEqualTo(CacheSource.ORIGIN);

        try (CachingHttpClient generous = CachingHttpClient.builder().redisson(redisA).keyPrefix(prefix)
                .origin(origin.uri()).maxTagsPerResponse(100).sweepInterval(Duration.ZERO).build()) {
            generous.get("/many");
            assertThat(generous.get("/many").source()).isEqualTo(CacheSource.LOCAL);
        }
    }

    @Test
    void whenTheRevalidationQueueIsFullAStaleHitIsServedWithoutARefresh() {
        CountDownLatch refreshes = new CountDownLatch(1);
        try (CachingHttpClient bounded = CachingHttpClient.builder().redisson(redisA).keyPrefix(prefix)
                .origin(origin.uri()).clock(clock).backgroundRevalidation(1, 1).sweepInterval(Duration.ZERO)
                .build()) {
            for (String path : List.of("/s1", "/s2", "/s3")) {
                AtomicInteger calls = new AtomicInteger();
                origin.route(path, r -> {
                    if (calls.incrementAndGet() > 1) {
                        awaitQuietly(refreshes); // the refresh holds the only revalidation thread
                    }
                    return Reply.ok(path, "Cache-Control", "max-age=1, stale-while-revalidate=600");
                });
                bounded.get(path);
            }
            clock.advance(Duration.ofSeconds(5));

            // /s1 runs on the one thread, /s2 waits in the queue of one, /s3 finds both full
            List<CachedHttpResponse> stale = List.of(bounded.get("/s1"), bounded.get("/s2"), bounded.get("/s3"));

            assertThat(stale).extracting(CachedHttpResponse::source).containsOnly(CacheSource.STALE);
            assertThat(bounded.stats().revalidationsSkipped()).isEqualTo(1);
            refreshes.countDown();
        }
    }

    @Test
    void headIsAnsweredFromAStoredGetWithoutBody() {
        origin.route("/h", r -> Reply.ok("body", "Cache-Control", "max-age=60"));
        a.get("/h");
        CachedHttpResponse head = a.send(new CacheRequest("HEAD", a.resolve("/h"), Headers.EMPTY, null));
        assertThat(head.source()).isEqualTo(CacheSource.LOCAL);
        assertThat(head.body()).isEmpty();
        assertThat(origin.hits("/h")).isEqualTo(1);
    }

    @Test
    void concurrentMissesInOneInstanceMakeOneOriginRequest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        origin.route("/hot", r -> {
            awaitQuietly(release);
            return Reply.ok("hot", "Cache-Control", "max-age=60");
        });
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<CachedHttpResponse>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> a.get("/hot")));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> a.singleFlightFollowers() == callers - 1);
            release.countDown();
            for (Future<CachedHttpResponse> f : results) {
                assertThat(f.get(5, TimeUnit.SECONDS).bodyAsString()).isEqualTo("hot");
            }
            assertThat(origin.hits("/hot")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentMissesAcrossInstancesMakeOneOriginRequest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        origin.route("/stampede", r -> {
            awaitQuietly(release);
            return Reply.ok("s", "Cache-Control", "max-age=60");
        });
        RedissonClient redisC = TestRedis.client(DevStack.redis());
        CachingHttpClient c = client(redisC);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<CachedHttpResponse> first = pool.submit(() -> a.get("/stampede"));
            await().atMost(Duration.ofSeconds(5)).until(() -> origin.hits("/stampede") == 1);
            Future<CachedHttpResponse> second = pool.submit(() -> b.get("/stampede"));
            Future<CachedHttpResponse> third = pool.submit(() -> c.get("/stampede"));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> b.stats().fillLockWaits() == 1 && c.stats().fillLockWaits() == 1);
            release.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS).source()).isEqualTo(CacheSource.ORIGIN);
            assertThat(second.get(5, TimeUnit.SECONDS).source()).isEqualTo(CacheSource.REDIS);
            assertThat(third.get(5, TimeUnit.SECONDS).source()).isEqualTo(CacheSource.REDIS);
            assertThat(origin.hits("/stampede")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
            c.close();
            redisC.shutdown();
        }
    }

    @Test
    void backgroundSweepRemovesExpiredEntriesFromRedisAndNearCaches() {
        try (CachingHttpClient sweeping = CachingHttpClient.builder().redisson(redisA).keyPrefix(prefix)
                .origin(origin.uri()).clock(clock).sweepInterval(Duration.ofMillis(50)).build()) {
            origin.route("/short", r -> Reply.ok("s", "Cache-Control", "max-age=1"));
            origin.route("/long", r -> Reply.ok("l", "Cache-Control", "max-age=600"));
            sweeping.get("/short");
            sweeping.get("/long");
            b.get("/short");
            String shortKey = sweeping.resolve("/short").toString();
            assertThat(b.store().readLocal(shortKey)).isNotNull();

            clock.advance(Duration.ofMinutes(6)); // past max-age and the 5 min it is kept for a request's max-stale

            await().atMost(Duration.ofSeconds(5)).until(() -> sweeping.stats().evictions() == 1);
            assertThat(sweeping.store().readRaw(shortKey)).isNull();
            assertThat(sweeping.store().readRaw(sweeping.resolve("/long").toString())).isNotNull();
            await().atMost(Duration.ofSeconds(5)).until(() -> b.store().readLocal(shortKey) == null);
        }
    }

    @Test
    void anEntryPastMaxEntryLifetimeIsNotServedEvenWithGenerousStaleIfError() {
        AtomicInteger calls = new AtomicInteger();
        origin.route("/capped", r -> {
            calls.incrementAndGet();
            return Reply.ok("v" + calls.get(), "Cache-Control", "max-age=10, stale-if-error=86400");
        });
        origin.route("/fresh-for-a-day", r -> {
            calls.incrementAndGet();
            return Reply.ok("day", "Cache-Control", "max-age=86400");
        });
        try (CachingHttpClient capped = CachingHttpClient.builder().redisson(redisA).keyPrefix(prefix)
                .origin(origin.uri()).clock(clock).sweepInterval(Duration.ZERO)
                .maxEntryLifetime(Duration.ofMinutes(1)).build()) {
            capped.get("/capped");
            capped.get("/fresh-for-a-day");
            assertThat(capped.store().expiryScore(capped.resolve("/fresh-for-a-day").toString()))
                    .as("retained at most maxEntryLifetime").isLessThanOrEqualTo(clock.millis() + 60_000.0);

            clock.advance(Duration.ofSeconds(61));
            assertThat(capped.get("/fresh-for-a-day").source()).as("fresh by max-age, but past the cap")
                    .isEqualTo(CacheSource.ORIGIN);
            assertThat(calls.get()).isEqualTo(3);
            origin.stop();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> capped.get("/capped"))
                    .isInstanceOf(OriginUnavailableException.class);
        }
    }

    @Test
    void staleIfErrorStillServesWithinMaxEntryLifetime() {
        origin.route("/capped", r -> Reply.ok("kept", "Cache-Control", "max-age=10, stale-if-error=86400"));
        try (CachingHttpClient capped = CachingHttpClient.builder().redisson(redisA).keyPrefix(prefix)
                .origin(origin.uri()).clock(clock).sweepInterval(Duration.ZERO)
                .maxEntryLifetime(Duration.ofMinutes(1)).build()) {
            capped.get("/capped");
            clock.advance(Duration.ofSeconds(59));
            origin.stop();
            CachedHttpResponse stale = capped.get("/capped");
            assertThat(stale.source()).isEqualTo(CacheSource.STALE);
            assertThat(stale.bodyAsString()).isEqualTo("kept");
        }
    }

    @Test
    void backgroundSweepPrunesFencesOlderThanTheHorizon() {
        try (CachingHttpClient sweeping = CachingHttpClient.builder().redisson(redisA).keyPrefix(prefix)
                .origin(origin.uri()).clock(clock).sweepInterval(Duration.ofMillis(50))
                .maxEntryLifetime(Duration.ofMillis(200)).build()) {
            long purged = sweeping.purger().purgeTags(List.of("product:1", "product:2")).sequence();

            await().atMost(Duration.ofSeconds(5)).until(() -> sweeping.store().fenceCount() == 0);
            assertThat(sweeping.store().prunedFenceFloor()).as("raised by pruning this purge's fences")
                    .isEqualTo(purged);
        }
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
