package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestClock;
import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.OneInstance;
import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.http.Headers;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Single flight never hands one caller a response meant for another: concurrent callers of one URL are held at
 * the origin on a latch until all of them have either joined the first caller's flight or reached the origin
 * themselves, then released. Each caller must get the body the origin made for its own request.
 */
class SingleFlightIsolationTest extends OneInstance {

    TestOrigin origin;
    TestClock clock;
    CachingHttpClient client;
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger atOrigin = new AtomicInteger();
    ExecutorService callers;

    @BeforeEach
    void start() {
        origin = TestOrigin.start();
        clock = new TestClock();
        client = CachingHttpClient.builder().redisson(redisson).keyPrefix(TestRedis.uniquePrefix("isolation"))
                .origin(origin.uri()).clock(clock).sweepInterval(Duration.ZERO).build();
        callers = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stop() {
        release.countDown();
        callers.shutdownNow();
        client.close();
        origin.close();
    }

    /** A route that holds every request until {@link #release}, answering what {@code reply} makes of it. */
    void heldRoute(String path, java.util.function.Function<TestOrigin.Request, Reply> reply) {
        origin.route(path, r -> {
            atOrigin.incrementAndGet();
            CachingHttpClientTest.awaitQuietly(release);
            return reply.apply(r);
        });
    }

    /**
     * Starts the first request, waits until it is at the origin, starts the others, waits until each of them
     * either follows the first one's flight or is at the origin itself, then lets the origin answer.
     */
    List<CachedHttpResponse> race(String path, List<Headers> requests) throws Exception {
        List<Future<CachedHttpResponse>> futures = new ArrayList<>();
        futures.add(callers.submit(() -> client.get(path, requests.get(0))));
        await().atMost(Duration.ofSeconds(5)).until(() -> atOrigin.get() == 1);
        for (Headers h : requests.subList(1, requests.size())) {
            futures.add(callers.submit(() -> client.get(path, h)));
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> client.singleFlightFollowers() + atOrigin.get() == requests.size());
        release.countDown();
        List<CachedHttpResponse> responses = new ArrayList<>();
        for (Future<CachedHttpResponse> f : futures) {
            responses.add(f.get(10, TimeUnit.SECONDS));
        }
        return responses;
    }

    static Reply echo(TestOrigin.Request r, String header, String... responseHeaders) {
        return Reply.ok("for " + r.headers().first(header).orElse("nobody"), responseHeaders);
    }

    @ParameterizedTest
    @ValueSource(strings = {"private, no-store", "private, max-age=60", "no-store", "max-age=60, no-store"})
    void aResponseASharedCacheMayNotStoreGoesOnlyToItsOwnRequest(String cacheControl) throws Exception {
        heldRoute("/me", r -> echo(r, "Cookie", "Cache-Control", cacheControl));

        List<CachedHttpResponse> r = race("/me", List.of(Headers.of("Cookie", "sid=alice"),
                Headers.of("Cookie", "sid=bob"), Headers.of("Cookie", "sid=carol")));

        assertThat(r).extracting(CachedHttpResponse::bodyAsString)
                .containsExactly("for sid=alice", "for sid=bob", "for sid=carol");
        assertThat(origin.hits("/me")).isEqualTo(3);
    }

    @Test
    void aResponseThatSetsACookieIsNeitherSharedNorStored() throws Exception {
        heldRoute("/login", r -> Reply.ok("for " + r.headers().first("Cookie").orElse(""), "Cache-Control",
                "max-age=60", "Set-Cookie", "token=" + r.headers().first("Cookie").orElse("")));

        List<CachedHttpResponse> r = race("/login", List.of(Headers.of("Cookie", "sid=alice"),
                Headers.of("Cookie", "sid=bob")));

        assertThat(r.get(0).bodyAsString()).isEqualTo("for sid=alice");
        assertThat(r.get(0).header("Set-Cookie")).contains("token=sid=alice");
        assertThat(r.get(1).bodyAsString()).isEqualTo("for sid=bob");
        assertThat(r.get(1).header("Set-Cookie")).contains("token=sid=bob");
        CachedHttpResponse later = client.get("/login", Headers.of("Cookie", "sid=dave"));
        assertThat(later.source()).as("not stored").isEqualTo(CacheSource.ORIGIN);
        assertThat(later.header("Set-Cookie")).contains("token=sid=dave");
    }

    @Test
    void authorizedRequestsDoNotShareAResponseThatDoesNotAllowIt() throws Exception {
        heldRoute("/account", r -> echo(r, "Authorization", "Cache-Control", "max-age=60"));

        List<CachedHttpResponse> r = race("/account", List.of(Headers.of("Authorization", "Bearer alice"),
                Headers.of("Authorization", "Bearer bob"), Headers.EMPTY));

        assertThat(r).extracting(CachedHttpResponse::bodyAsString)
                .containsExactly("for Bearer alice", "for Bearer bob", "for nobody");
        assertThat(origin.hits("/account")).isEqualTo(3);
    }

    @Test
    void varyOnAColdCacheIsEvaluatedOnTheActualResponse() throws Exception {
        heldRoute("/tenant", r -> echo(r, "X-Tenant", "Cache-Control", "max-age=60", "Vary", "X-Tenant"));

        List<CachedHttpResponse> r = race("/tenant", List.of(Headers.of("X-Tenant", "a"),
                Headers.of("X-Tenant", "b"), Headers.of("X-Tenant", "a")));

        assertThat(r).extracting(CachedHttpResponse::bodyAsString).containsExactly("for a", "for b", "for a");
        assertThat(origin.hits("/tenant")).as("the second tenant-a caller shared the first one's response")
                .isEqualTo(2);
    }

    @Test
    void varyOnAWarmCacheIsEvaluatedOnTheNewResponseNotTheStoredOne() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        heldRoute("/switch", r -> calls.incrementAndGet() == 1
                ? Reply.ok("old", "Cache-Control", "max-age=1", "Vary", "Accept-Language")
                : echo(r, "X-Tenant", "Cache-Control", "max-age=60", "Vary", "X-Tenant"));
        release.countDown();
        client.get("/switch");
        clock.advance(Duration.ofSeconds(5)); // stale: both callers below join one flight keyed on Accept-Language
        atOrigin.set(0);
        CountDownLatch second = new CountDownLatch(1);
        heldRoute("/switch", r -> {
            CachingHttpClientTest.awaitQuietly(second);
            return echo(r, "X-Tenant", "Cache-Control", "max-age=60", "Vary", "X-Tenant");
        });
        List<Future<CachedHttpResponse>> futures = List.of(
                callers.submit(() -> client.get("/switch", Headers.of("X-Tenant", "a"))),
                callers.submit(() -> client.get("/switch", Headers.of("X-Tenant", "b"))));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> client.singleFlightFollowers() == 1 && atOrigin.get() == 1);
        second.countDown();

        assertThat(futures.get(0).get(10, TimeUnit.SECONDS).bodyAsString()
                + futures.get(1).get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("for afor b");
    }

    @Test
    void aCallersOwnConditionalRequestNeverHandsAnotherCallerItsNotModified() throws Exception {
        heldRoute("/doc", r -> r.headers().first("If-None-Match").filter("\"v1\""::equals).isPresent()
                ? new Reply(304, Map.of("ETag", "\"v1\""), "")
                : Reply.ok("document", "ETag", "\"v1\"", "Cache-Control", "max-age=60"));

        List<CachedHttpResponse> r = race("/doc", List.of(Headers.of("If-None-Match", "\"v1\""), Headers.EMPTY));

        assertThat(r.get(0).status()).isEqualTo(304);
        assertThat(r.get(1).status()).isEqualTo(200);
        assertThat(r.get(1).bodyAsString()).isEqualTo("document");
    }

    @Test
    void aCallersOwnRangeRequestNeverHandsAnotherCallerAPartialResponse() throws Exception {
        heldRoute("/file", r -> r.headers().contains("Range")
                ? new Reply(206, Map.of("Content-Range", "bytes 0-1/8", "Cache-Control", "max-age=60"), "co")
                : Reply.ok("complete", "Cache-Control", "max-age=60"));

        List<CachedHttpResponse> r = race("/file", List.of(Headers.of("Range", "bytes=0-1"), Headers.EMPTY));

        assertThat(r.get(0).status()).isEqualTo(206);
        assertThat(r.get(1).status()).isEqualTo(200);
        assertThat(r.get(1).bodyAsString()).isEqualTo("complete");
    }

    @Test
    void followersOfAShareableResponseGetItWithoutAnOriginRequestOfTheirOwn() throws Exception {
        heldRoute("/public", r -> Reply.ok("same for all", "Cache-Control", "max-age=60"));

        List<CachedHttpResponse> r = race("/public", List.of(Headers.of("Cookie", "sid=alice"),
                Headers.of("Cookie", "sid=bob"), Headers.EMPTY));

        assertThat(r).extracting(CachedHttpResponse::bodyAsString).containsOnly("same for all");
        assertThat(origin.hits("/public")).isEqualTo(1);
    }

    @Test
    void aFollowerThatRefusesCachedContentAsksTheOriginItself() throws Exception {
        AtomicInteger version = new AtomicInteger();
        heldRoute("/counter", r -> Reply.ok("v" + version.incrementAndGet(), "Cache-Control", "max-age=60"));

        List<CachedHttpResponse> r = race("/counter", List.of(Headers.EMPTY,
                Headers.of("Cache-Control", "no-cache")));

        assertThat(r.get(1).bodyAsString()).isEqualTo("v2");
        assertThat(r.get(1).source()).isEqualTo(CacheSource.ORIGIN);
    }
}
