package dev.cachesync.cache.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.http.CacheDecision.Action;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven tests of the pure RFC 9111 decisions; no network, time is a number. */
class CacheStrategyTest {

    static final long T0 = 1_700_000_000_000L; // response time of every stored response below
    static final URI URL = URI.create("http://origin/products/1");
    final CacheStrategy strategy = new CacheStrategy(60_000);

    static StoredResponse stored(String... headers) {
        return new StoredResponse(200, Headers.of(headers), "body".getBytes(), T0, T0, Map.of(), Set.of(), 0);
    }

    static CacheRequest get(String... headers) {
        return CacheRequest.get(URL, Headers.of(headers));
    }

    record DecideCase(String name, CacheRequest request, StoredResponse stored, long secondsAfterResponse,
                      Action expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<DecideCase> decideCases() {
        String date = FreshnessPolicy.formatDate(T0);
        return Stream.of(
                new DecideCase("nothing stored -> fetch", get(), null, 0, Action.FETCH),
                new DecideCase("POST passes through", new CacheRequest("POST", URL, Headers.EMPTY, null),
                        stored("Cache-Control", "max-age=60"), 0, Action.PASS_THROUGH),
                new DecideCase("max-age fresh", get(), stored("Cache-Control", "max-age=60"), 59, Action.SERVE),
                new DecideCase("max-age expired, no validator -> fetch", get(),
                        stored("Cache-Control", "max-age=60"), 60, Action.FETCH),
                new DecideCase("max-age expired, ETag -> revalidate", get(),
                        stored("Cache-Control", "max-age=60", "ETag", "\"v1\""), 61, Action.REVALIDATE),
                new DecideCase("expired, Last-Modified -> revalidate", get(),
                        stored("Cache-Control", "max-age=1", "Last-Modified", date), 2, Action.REVALIDATE),
                new DecideCase("s-maxage wins over max-age (longer)", get(),
                        stored("Cache-Control", "max-age=10, s-maxage=100"), 50, Action.SERVE),
                new DecideCase("s-maxage wins over max-age (shorter)", get(),
                        stored("Cache-Control", "max-age=100, s-maxage=10"), 50, Action.FETCH),
                new DecideCase("max-age wins over Expires", get(),
                        stored("Cache-Control", "max-age=10", "Date", date,
                                "Expires", FreshnessPolicy.formatDate(T0 + 100_000)), 50, Action.FETCH),
                new DecideCase("Expires minus Date, fresh", get(),
                        stored("Date", date, "Expires", FreshnessPolicy.formatDate(T0 + 100_000)), 99, Action.SERVE),
                new DecideCase("Expires minus Date, expired", get(),
                        stored("Date", date, "Expires", FreshnessPolicy.formatDate(T0 + 100_000)), 100, Action.FETCH),
                new DecideCase("invalid Expires means expired", get(), stored("Expires", "0"), 0, Action.FETCH),
                new DecideCase("no explicit freshness: no heuristic, always revalidated", get(),
                        stored("ETag", "\"v1\""), 0, Action.REVALIDATE),
                new DecideCase("Age header counts towards age", get(),
                        stored("Cache-Control", "max-age=60", "Age", "50"), 10, Action.FETCH),
                new DecideCase("Age header, still fresh", get(),
                        stored("Cache-Control", "max-age=60", "Age", "50"), 9, Action.SERVE),
                new DecideCase("response no-cache is revalidated even when fresh", get(),
                        stored("Cache-Control", "no-cache, max-age=600", "ETag", "\"v\""), 1, Action.REVALIDATE),
                new DecideCase("response no-cache without validator fetches", get(),
                        stored("Cache-Control", "no-cache, max-age=600"), 1, Action.FETCH),
                new DecideCase("request no-cache", get("Cache-Control", "no-cache"),
                        stored("Cache-Control", "max-age=600", "ETag", "\"v\""), 1, Action.REVALIDATE),
                new DecideCase("request Pragma no-cache", get("Pragma", "no-cache"),
                        stored("Cache-Control", "max-age=600"), 1, Action.FETCH),
                new DecideCase("request max-age smaller than age", get("Cache-Control", "max-age=5"),
                        stored("Cache-Control", "max-age=600"), 10, Action.FETCH),
                new DecideCase("request min-fresh not met", get("Cache-Control", "min-fresh=100"),
                        stored("Cache-Control", "max-age=600"), 550, Action.FETCH),
                new DecideCase("request max-stale accepts stale", get("Cache-Control", "max-stale=30"),
                        stored("Cache-Control", "max-age=60"), 80, Action.SERVE_STALE),
                new DecideCase("request max-stale exceeded", get("Cache-Control", "max-stale=30"),
                        stored("Cache-Control", "max-age=60"), 91, Action.FETCH),
                new DecideCase("must-revalidate forbids max-stale", get("Cache-Control", "max-stale"),
                        stored("Cache-Control", "max-age=60, must-revalidate"), 61, Action.FETCH),
                new DecideCase("s-maxage forbids max-stale", get("Cache-Control", "max-stale"),
                        stored("Cache-Control", "s-maxage=60"), 61, Action.FETCH),
                new DecideCase("stale-while-revalidate window", get(),
                        stored("Cache-Control", "max-age=60, stale-while-revalidate=30"), 89,
                        Action.SERVE_STALE_AND_REVALIDATE_IN_BACKGROUND),
                new DecideCase("stale-while-revalidate with s-maxage", get(),
                        stored("Cache-Control", "s-maxage=60, stale-while-revalidate=30"), 70,
                        Action.SERVE_STALE_AND_REVALIDATE_IN_BACKGROUND),
                new DecideCase("beyond stale-while-revalidate", get(),
                        stored("Cache-Control", "max-age=60, stale-while-revalidate=30", "ETag", "\"v\""), 91,
                        Action.REVALIDATE),
                new DecideCase("must-revalidate forbids stale-while-revalidate", get(),
                        stored("Cache-Control", "max-age=60, stale-while-revalidate=30, must-revalidate"), 70,
                        Action.FETCH),
                new DecideCase("HEAD served from stored GET", new CacheRequest("HEAD", URL, Headers.EMPTY, null),
                        stored("Cache-Control", "max-age=60"), 1, Action.SERVE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decideCases")
    void decides(DecideCase c) {
        CacheDecision decision = strategy.decide(c.request(), c.stored(), T0 + c.secondsAfterResponse() * 1000);
        assertThat(decision.action()).as(decision.reason()).isEqualTo(c.expected());
    }

    record StoreCase(String name, CacheRequest request, int status, Headers response, boolean expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<StoreCase> storeCases() {
        return Stream.of(
                new StoreCase("200 max-age", get(), 200, Headers.of("Cache-Control", "max-age=60"), true),
                new StoreCase("200 s-maxage", get(), 200, Headers.of("Cache-Control", "s-maxage=60"), true),
                new StoreCase("200 Expires", get(), 200, Headers.of("Expires", FreshnessPolicy.formatDate(T0)), true),
                new StoreCase("200 ETag only (always revalidated)", get(), 200, Headers.of("ETag", "\"x\""), true),
                new StoreCase("200 nothing", get(), 200, Headers.EMPTY, false),
                new StoreCase("no-store", get(), 200, Headers.of("Cache-Control", "no-store, max-age=60"), false),
                new StoreCase("request no-store", get("Cache-Control", "no-store"), 200,
                        Headers.of("Cache-Control", "max-age=60"), false),
                new StoreCase("private", get(), 200, Headers.of("Cache-Control", "private, max-age=60"), false),
                new StoreCase("qualified private", get(), 200,
                        Headers.of("Cache-Control", "private=\"Set-Cookie\", max-age=60"), false),
                new StoreCase("no-cache is stored", get(), 200,
                        Headers.of("Cache-Control", "no-cache", "ETag", "\"x\""), true),
                new StoreCase("Vary star", get(), 200, Headers.of("Cache-Control", "max-age=60", "Vary", "*"), false),
                new StoreCase("HEAD not stored", new CacheRequest("HEAD", URL, Headers.EMPTY, null), 200,
                        Headers.of("Cache-Control", "max-age=60"), false),
                new StoreCase("POST not stored", new CacheRequest("POST", URL, Headers.EMPTY, null), 200,
                        Headers.of("Cache-Control", "max-age=60"), false),
                new StoreCase("206 not stored", get(), 206, Headers.of("Cache-Control", "max-age=60"), false),
                new StoreCase("404 with max-age stored", get(), 404, Headers.of("Cache-Control", "max-age=60"), true),
                new StoreCase("500 without freshness", get(), 500, Headers.of("ETag", "\"x\""), false),
                new StoreCase("Authorization without public", get("Authorization", "Bearer x"), 200,
                        Headers.of("Cache-Control", "max-age=60"), false),
                new StoreCase("Authorization with public", get("Authorization", "Bearer x"), 200,
                        Headers.of("Cache-Control", "public, max-age=60"), true),
                new StoreCase("Authorization with s-maxage", get("Authorization", "Bearer x"), 200,
                        Headers.of("Cache-Control", "s-maxage=60"), true),
                new StoreCase("Set-Cookie not stored by default", get(), 200,
                        Headers.of("Cache-Control", "public, max-age=60", "Set-Cookie", "sid=1"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storeCases")
    void decidesStorability(StoreCase c) {
        Storability s = strategy.storability(c.request(), c.status(), c.response());
        assertThat(s.storable()).as(s.reason()).isEqualTo(c.expected());
    }

    @Test
    void aCookieSettingResponseIsStoredWithoutItsCookieOnlyWhenConfigured() {
        CacheStrategy storing = new CacheStrategy(0, CacheStrategy.DEFAULT_MAX_ENTRY_LIFETIME_MILLIS, true);
        Headers response = Headers.of("Cache-Control", "max-age=60", "Set-Cookie", "sid=1");
        assertThat(storing.storability(get(), 200, response).storable()).isTrue();
        assertThat(CacheStrategy.storedHeaders(response).contains("Set-Cookie")).isFalse();
        StoredResponse refreshed = CacheStrategy.refresh(stored("Cache-Control", "max-age=60"),
                Headers.of("Set-Cookie", "sid=2"), T0, T0, null);
        assertThat(refreshed.headers().contains("Set-Cookie")).as("a 304's cookie is not merged in").isFalse();
    }

    record ShareCase(String name, CacheRequest follower, StoredResponse shared, boolean expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ShareCase> shareCases() {
        StoredResponse fresh = stored("Cache-Control", "max-age=60");
        return Stream.of(
                new ShareCase("fresh, plain request", get(), fresh, true),
                new ShareCase("nothing storable", get(), null, false),
                new ShareCase("follower's own If-None-Match", get("If-None-Match", "\"x\""), fresh, false),
                new ShareCase("follower's own Range", get("Range", "bytes=0-1"), fresh, false),
                new ShareCase("follower no-cache", get("Cache-Control", "no-cache"), fresh, false),
                new ShareCase("follower Authorization, response not public", get("Authorization", "x"), fresh, false),
                new ShareCase("follower Authorization, response public", get("Authorization", "x"),
                        stored("Cache-Control", "public, max-age=60"), true),
                new ShareCase("validator only: revalidated on every use", get(), stored("ETag", "\"x\""), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shareCases")
    void decidesWhatAFollowerMayBeGiven(ShareCase c) {
        assertThat(strategy.mayShare(c.follower(), c.shared(), false, T0 + 1000)).isEqualTo(c.expected());
    }

    record StaleIfErrorCase(String name, CacheRequest request, StoredResponse stored, long secondsAfterResponse,
                            boolean expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<StaleIfErrorCase> staleIfErrorCases() {
        return Stream.of(
                new StaleIfErrorCase("within stale-if-error", get(),
                        stored("Cache-Control", "max-age=60, stale-if-error=300"), 300, true),
                new StaleIfErrorCase("beyond stale-if-error", get(),
                        stored("Cache-Control", "max-age=60, stale-if-error=300"), 361, false),
                new StaleIfErrorCase("no stale-if-error", get(), stored("Cache-Control", "max-age=60"), 61, false),
                new StaleIfErrorCase("request stale-if-error", get("Cache-Control", "stale-if-error=100"),
                        stored("Cache-Control", "max-age=60"), 100, true),
                new StaleIfErrorCase("must-revalidate forbids", get(),
                        stored("Cache-Control", "max-age=60, stale-if-error=300, must-revalidate"), 100, false),
                new StaleIfErrorCase("fresh response, request asked for revalidation", get("Cache-Control", "no-cache"),
                        stored("Cache-Control", "max-age=60"), 10, true),
                new StaleIfErrorCase("response no-cache is never reused unvalidated, even fresh", get(),
                        stored("Cache-Control", "no-cache, max-age=60", "ETag", "\"v\""), 10, false),
                new StaleIfErrorCase("response no-cache with an explicit stale-if-error", get(),
                        stored("Cache-Control", "no-cache, max-age=60, stale-if-error=30", "ETag", "\"v\""), 10, true),
                new StaleIfErrorCase("nothing stored", get(), null, 0, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("staleIfErrorCases")
    void decidesStaleIfError(StaleIfErrorCase c) {
        assertThat(strategy.mayServeStaleOnError(c.request(), c.stored(), T0 + c.secondsAfterResponse() * 1000))
                .isEqualTo(c.expected());
    }

    @Test
    void currentAgeFollowsRfc9111() {
        // Date 10 s before the response arrived, Age 5, request took 2 s: corrected initial age = max(10, 5 + 2).
        StoredResponse s = new StoredResponse(200, Headers.of("Date", FreshnessPolicy.formatDate(T0 - 10_000),
                "Age", "5"), new byte[0], T0 - 2_000, T0, Map.of(), Set.of(), 0);
        assertThat(FreshnessPolicy.currentAgeMillis(s, T0 + 3_000)).isEqualTo(13_000);
        assertThat(CacheStrategy.ageSeconds(s, T0 + 3_000)).isEqualTo(13);
    }

    @Test
    void notModifiedRefreshesHeadersAndFreshnessButKeepsBody() {
        StoredResponse old = new StoredResponse(200, Headers.of("Cache-Control", "max-age=60", "ETag", "\"v1\"",
                "Content-Length", "4", "X-Old", "kept"), "body".getBytes(), T0, T0, Map.of(), Set.of("product:1"), 3);
        long later = T0 + 120_000;
        assertThat(strategy.decide(get(), old, later).action()).isEqualTo(Action.REVALIDATE);

        StoredResponse refreshed = CacheStrategy.refresh(old, Headers.of("Cache-Control", "max-age=100",
                "ETag", "\"v1\"", "Content-Length", "0"), later, later, null);

        assertThat(refreshed.body()).isEqualTo("body".getBytes());
        assertThat(refreshed.headers().first("Cache-Control")).contains("max-age=100");
        assertThat(refreshed.headers().first("Content-Length")).contains("4");
        assertThat(refreshed.headers().first("X-Old")).contains("kept");
        assertThat(refreshed.tags()).containsExactly("product:1");
        assertThat(strategy.decide(get(), refreshed, later + 99_000).action()).isEqualTo(Action.SERVE);
    }

    @Test
    void conditionalRequestCarriesValidators() {
        String lm = FreshnessPolicy.formatDate(T0);
        Headers h = CacheStrategy.conditionalHeaders(Headers.of("Accept", "application/json"),
                stored("ETag", "\"v7\"", "Last-Modified", lm));
        assertThat(h.first("If-None-Match")).contains("\"v7\"");
        assertThat(h.first("If-Modified-Since")).contains(lm);
        assertThat(h.first("Accept")).contains("application/json");
    }

    @Test
    void varySelectsTheMatchingVariantIncludingAbsentHeaders() {
        Headers vary = Headers.of("Cache-Control", "max-age=60", "Vary", "Accept-Language");
        StoredResponse german = new StoredResponse(200, vary, "de".getBytes(), T0, T0,
                CacheStrategy.varyValues(Headers.of("Accept-Language", "de"), List.of("accept-language")), Set.of(), 0);
        StoredResponse none = new StoredResponse(200, vary, "default".getBytes(), T0, T0,
                CacheStrategy.varyValues(Headers.EMPTY, List.of("accept-language")), Set.of(), 0);
        List<StoredResponse> variants = List.of(german, none);

        assertThat(CacheStrategy.selectVariant(variants, Headers.of("accept-language", " de "))).isSameAs(german);
        assertThat(CacheStrategy.selectVariant(variants, Headers.EMPTY)).isSameAs(none);
        assertThat(CacheStrategy.selectVariant(variants, Headers.of("Accept-Language", "fr"))).isNull();
        assertThat(CacheStrategy.selectVariant(List.of(german), Headers.EMPTY)).isNull();
    }

    @Test
    void retentionCoversStaleWindowsAndRevalidation() {
        assertThat(strategy.retainUntilMillis(stored("Cache-Control", "max-age=60, stale-if-error=300")))
                .isEqualTo(T0 + 360_000);
        assertThat(strategy.retainUntilMillis(stored("Cache-Control", "max-age=60"))).isEqualTo(T0 + 60_000);
        assertThat(strategy.retainUntilMillis(stored("Cache-Control", "max-age=60", "ETag", "\"x\"")))
                .isEqualTo(T0 + 120_000);
        assertThat(strategy.retainUntilMillis(stored("Cache-Control", "max-age=60", "Age", "50")))
                .isEqualTo(T0 + 10_000);
    }

    @Test
    void nothingIsServedPastMaxEntryLifetimeFreshOrStale() {
        CacheStrategy capped = new CacheStrategy(60_000, 3_600_000); // one hour
        StoredResponse generous = stored("Cache-Control",
                "max-age=86400, stale-while-revalidate=86400, stale-if-error=86400", "ETag", "\"v1\"");
        long withinCap = T0 + 3_600_000;
        long pastCap = withinCap + 1;

        assertThat(capped.decide(get(), generous, withinCap).action()).isEqualTo(Action.SERVE);
        assertThat(capped.decide(get(), generous, pastCap).action()).isEqualTo(Action.REVALIDATE);
        StoredResponse stale = stored("Cache-Control", "max-age=1, stale-while-revalidate=86400");
        assertThat(capped.decide(get(), stale, withinCap).action())
                .isEqualTo(Action.SERVE_STALE_AND_REVALIDATE_IN_BACKGROUND);
        assertThat(capped.decide(get(), stale, pastCap).action()).isEqualTo(Action.FETCH);
        StoredResponse plain = stored("Cache-Control", "max-age=1");
        assertThat(capped.decide(get("Cache-Control", "max-stale"), plain, withinCap).action())
                .isEqualTo(Action.SERVE_STALE);
        assertThat(capped.decide(get("Cache-Control", "max-stale"), plain, pastCap).action()).isEqualTo(Action.FETCH);
        assertThat(capped.mayServeStaleOnError(get(), generous, withinCap)).isTrue();
        assertThat(capped.mayServeStaleOnError(get("Cache-Control", "stale-if-error=86400"), generous, pastCap))
                .isFalse();
    }

    @Test
    void retentionNeverExceedsMaxEntryLifetime() {
        CacheStrategy capped = new CacheStrategy(600_000, 3_600_000);
        assertThat(capped.retainUntilMillis(stored("Cache-Control", "max-age=86400, stale-if-error=86400")))
                .isEqualTo(T0 + 3_600_000);
        assertThat(capped.retainUntilMillis(stored("Cache-Control", "max-age=60", "ETag", "\"x\"")))
                .as("shorter retentions are unchanged").isEqualTo(T0 + 660_000);
    }

    @Test
    void cacheControlParsing() {
        CacheControl cc = CacheControl.parse(Headers.of("Cache-Control", "public, max-age=\"30\", no-cache=\"a, b\"",
                "cache-control", "s-maxage=abc, stale-if-error=5"));
        assertThat(cc.isPublic()).isTrue();
        assertThat(cc.maxAge()).hasValue(30);
        assertThat(cc.noCache()).isTrue();
        assertThat(cc.sMaxAge()).hasValue(0); // malformed freshness means stale
        assertThat(cc.staleIfError()).hasValue(5);
        assertThat(cc.noStore()).isFalse();
    }
}
