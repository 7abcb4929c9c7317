package dev.cachesync.cache.http;

import static org.assertj.core.api.Assertions.assertThat;

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

    static final String KEY = URL.toString();

    static CacheRequest request(String method, String... headers) {
        return new CacheRequest(method, URL, Headers.of(headers), null);
    }

    static StoredResponse varied(String body, Headers request, String... headers) {
        Headers response = Headers.of(headers);
        return new StoredResponse(200, response, body.getBytes(), T0, T0,
                CacheStrategy.varyValues(request, CacheStrategy.varyNames(response)), Set.of(), 0);
    }

    CachePlan plan(CacheRequest request, StoredResponse stored, long secondsAfterResponse) {
        return strategy.plan(request, KEY, stored == null ? List.of() : List.of(stored),
                T0 + secondsAfterResponse * 1000);
    }

    /**
     * A plan in words, so a table row reads like the behaviour it pins: what is done, the validators sent, whether
     * the origin request may be shared, whether the answer may be stored.
     */
    static String describe(CachePlan plan) {
        if (plan instanceof CachePlan.Serve serve) {
            return (serve.stale() ? "serve stale" : "serve") + (serve.notModified() ? " 304" : "")
                    + (serve.range() != null ? " 206 " + serve.range().contentRange() : "");
        }
        if (plan instanceof CachePlan.ServeStaleAndRefresh stale) {
            return "serve stale, refresh: " + describe(stale.refresh());
        }
        if (plan instanceof CachePlan.OnlyIfCachedMiss) {
            return "504";
        }
        if (plan instanceof CachePlan.PassThrough pass) {
            return pass.invalidation().target() == null ? "pass through" : "pass through, invalidates";
        }
        CachePlan.OriginPlan ask = (CachePlan.OriginPlan) plan;
        StringBuilder d = new StringBuilder();
        if (ask instanceof CachePlan.Revalidate revalidate) {
            List<String> validators = new java.util.ArrayList<>();
            revalidate.conditionalHeaders().first("If-None-Match").ifPresent(v -> validators.add("etag"));
            revalidate.conditionalHeaders().first("If-Modified-Since").ifPresent(v -> validators.add("last-modified"));
            d.append("revalidate(").append(String.join(", ", validators)).append(')');
        } else {
            d.append("fetch");
        }
        d.append(ask.flight() instanceof CachePlan.Flight.Join ? ", shared flight" : ", alone");
        if (ask.fill()) {
            d.append(", stores");
        }
        return d.toString();
    }

    record PlanCase(String name, CacheRequest request, StoredResponse stored, long secondsAfterResponse,
                    String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String FETCH = "fetch, shared flight, stores";
    static final String REVALIDATE_ETAG = "revalidate(etag), shared flight, stores";

    /** Request directives against a stored response (OkHttp CacheStrategyTest style: one row, one rule). */
    static Stream<PlanCase> requestDirectiveCases() {
        StoredResponse fresh600 = stored("Cache-Control", "max-age=600");
        StoredResponse fresh600Etag = stored("Cache-Control", "max-age=600", "ETag", "\"v\"");
        StoredResponse maxAge60 = stored("Cache-Control", "max-age=60");
        StoredResponse maxAge60Etag = stored("Cache-Control", "max-age=60", "ETag", "\"v\"");
        return Stream.of(
                new PlanCase("nothing stored", get(), null, 0, FETCH),
                new PlanCase("plain request, fresh", get(), fresh600, 10, "serve"),
                new PlanCase("no-cache, fresh with ETag: revalidate", get("Cache-Control", "no-cache"),
                        fresh600Etag, 1, REVALIDATE_ETAG),
                new PlanCase("no-cache, fresh without validator: fetch", get("Cache-Control", "no-cache"),
                        fresh600, 1, FETCH),
                new PlanCase("Pragma: no-cache without Cache-Control", get("Pragma", "no-cache"), fresh600, 1, FETCH),
                new PlanCase("Pragma: no-cache is ignored beside Cache-Control",
                        get("Pragma", "no-cache", "Cache-Control", "max-stale=5"), fresh600, 1, "serve"),
                new PlanCase("max-age below the age", get("Cache-Control", "max-age=5"), fresh600, 10, FETCH),
                new PlanCase("max-age below the age, ETag", get("Cache-Control", "max-age=5"), fresh600Etag, 10,
                        REVALIDATE_ETAG),
                new PlanCase("max-age above the age", get("Cache-Control", "max-age=20"), fresh600, 10, "serve"),
                new PlanCase("max-age=0 once the response has any age", get("Cache-Control", "max-age=0"),
                        fresh600, 1, FETCH),
                new PlanCase("min-fresh not met", get("Cache-Control", "min-fresh=100"), fresh600, 550, FETCH),
                new PlanCase("min-fresh met", get("Cache-Control", "min-fresh=100"), fresh600, 400, "serve"),
                new PlanCase("max-stale=30, 20 s stale", get("Cache-Control", "max-stale=30"), maxAge60, 80,
                        "serve stale"),
                new PlanCase("max-stale=30, 30 s stale (inclusive)", get("Cache-Control", "max-stale=30"),
                        maxAge60, 90, "serve stale"),
                new PlanCase("max-stale=30, 31 s stale", get("Cache-Control", "max-stale=30"), maxAge60, 91, FETCH),
                new PlanCase("max-stale=30, 31 s stale, ETag", get("Cache-Control", "max-stale=30"), maxAge60Etag,
                        91, REVALIDATE_ETAG),
                new PlanCase("max-stale without a value accepts any staleness", get("Cache-Control", "max-stale"),
                        maxAge60, 86_000, "serve stale"),
                new PlanCase("max-stale, but must-revalidate", get("Cache-Control", "max-stale"),
                        stored("Cache-Control", "max-age=60, must-revalidate", "ETag", "\"v\""), 61, REVALIDATE_ETAG),
                new PlanCase("max-stale, but proxy-revalidate", get("Cache-Control", "max-stale"),
                        stored("Cache-Control", "max-age=60, proxy-revalidate"), 61, FETCH),
                new PlanCase("max-stale, but s-maxage (implies proxy-revalidate)", get("Cache-Control", "max-stale"),
                        stored("Cache-Control", "s-maxage=60"), 61, FETCH),
                new PlanCase("max-stale on a fresh response is a plain hit", get("Cache-Control", "max-stale=30"),
                        maxAge60, 10, "serve"),
                new PlanCase("only-if-cached, nothing stored: 504", get("Cache-Control", "only-if-cached"), null, 0,
                        "504"),
                new PlanCase("only-if-cached, fresh", get("Cache-Control", "only-if-cached"), maxAge60, 10, "serve"),
                new PlanCase("only-if-cached, stale: 504 rather than asking the origin",
                        get("Cache-Control", "only-if-cached"), maxAge60Etag, 61, "504"),
                new PlanCase("only-if-cached with max-stale, stale",
                        get("Cache-Control", "only-if-cached, max-stale"), maxAge60, 61, "serve stale"),
                new PlanCase("only-if-cached with no-cache: 504", get("Cache-Control", "only-if-cached, no-cache"),
                        fresh600Etag, 1, "504"),
                new PlanCase("own If-None-Match, nothing stored: alone", get("If-None-Match", "\"mine\""), null, 0,
                        "fetch, alone, stores"),
                new PlanCase("own If-None-Match, fresh", get("If-None-Match", "\"mine\""), fresh600, 1, "serve"),
                new PlanCase("own If-Modified-Since, stale with ETag: sent as it is, alone",
                        get("If-Modified-Since", FreshnessPolicy.formatDate(T0)), maxAge60Etag, 61,
                        "fetch, alone, stores"),
                new PlanCase("own If-None-Match, stale with Last-Modified: a 304 to it says nothing of ours",
                        get("If-None-Match", "\"mine\""), stored("Cache-Control", "max-age=60", "Last-Modified",
                                FreshnessPolicy.formatDate(T0)), 61, "fetch, alone, stores"),
                new PlanCase("own If-Match: alone", get("If-Match", "\"v\""), null, 0, "fetch, alone, stores"),
                new PlanCase("own If-Unmodified-Since: alone", get("If-Unmodified-Since",
                        FreshnessPolicy.formatDate(T0)), null, 0, "fetch, alone, stores"),
                new PlanCase("own If-Range: alone", get("If-Range", "\"v\"", "Range", "bytes=0-1"), null, 0,
                        "fetch, alone, stores"),
                new PlanCase("Range, nothing stored: alone", get("Range", "bytes=0-1"), null, 0,
                        "fetch, alone, stores"),
                new PlanCase("Range, stale: alone", get("Range", "bytes=0-1"), maxAge60, 61, "fetch, alone, stores"),
                new PlanCase("Range, fresh: that range of the stored response", get("Range", "bytes=0-1"), maxAge60,
                        1, "serve 206 bytes 0-1/4"),
                new PlanCase("Authorization, nothing stored: a flight of its own credentials",
                        get("Authorization", "Bearer a"), null, 0, FETCH),
                new PlanCase("Authorization, a stored (shareable) response", get("Authorization", "Bearer a"),
                        stored("Cache-Control", "public, max-age=60"), 1, "serve"),
                new PlanCase("Cookie, nothing stored: cookies alone do not prevent sharing", get("Cookie", "sid=a"),
                        null, 0, FETCH),
                new PlanCase("Cookie, fresh", get("Cookie", "sid=a"), maxAge60, 1, "serve"),
                new PlanCase("HEAD, nothing stored: alone, never stored", request("HEAD"), null, 0, "fetch, alone"),
                new PlanCase("HEAD, fresh GET stored", request("HEAD"), maxAge60, 1, "serve"),
                new PlanCase("HEAD, stale GET with ETag", request("HEAD"), maxAge60Etag, 61,
                        "revalidate(etag), alone"),
                new PlanCase("HEAD with its own If-None-Match, stale GET with ETag", request("HEAD",
                        "If-None-Match", "\"mine\""), maxAge60Etag, 61, "fetch, alone"),
                new PlanCase("HEAD, only-if-cached, nothing stored", request("HEAD", "Cache-Control",
                        "only-if-cached"), null, 0, "504"),
                new PlanCase("lower-case method is GET", request("get"), maxAge60, 1, "serve"),
                new PlanCase("POST invalidates", request("POST"), maxAge60, 1, "pass through, invalidates"),
                new PlanCase("PUT invalidates", request("PUT"), null, 0, "pass through, invalidates"),
                new PlanCase("PATCH invalidates", request("PATCH"), null, 0, "pass through, invalidates"),
                new PlanCase("DELETE invalidates", request("DELETE"), null, 0, "pass through, invalidates"),
                new PlanCase("OPTIONS passes through, safe", request("OPTIONS"), maxAge60, 1, "pass through"),
                new PlanCase("TRACE passes through, safe", request("TRACE"), null, 0, "pass through"));
    }

    /** The stored response's own freshness, validators and directives, for a plain GET. */
    static Stream<PlanCase> storedResponseCases() {
        String date = FreshnessPolicy.formatDate(T0);
        return Stream.of(
                new PlanCase("max-age fresh", get(), stored("Cache-Control", "max-age=60"), 59, "serve"),
                new PlanCase("max-age: at exactly its lifetime it is stale", get(),
                        stored("Cache-Control", "max-age=60"), 60, FETCH),
                new PlanCase("stale, ETag", get(), stored("Cache-Control", "max-age=60", "ETag", "\"v1\""), 61,
                        REVALIDATE_ETAG),
                new PlanCase("stale, Last-Modified", get(), stored("Cache-Control", "max-age=1",
                        "Last-Modified", date), 2, "revalidate(last-modified), shared flight, stores"),
                new PlanCase("stale, ETag and Last-Modified", get(), stored("Cache-Control", "max-age=1",
                        "ETag", "\"v\"", "Last-Modified", date), 2,
                        "revalidate(etag, last-modified), shared flight, stores"),
                new PlanCase("s-maxage wins over max-age (longer)", get(),
                        stored("Cache-Control", "max-age=10, s-maxage=100"), 50, "serve"),
                new PlanCase("s-maxage wins over max-age (shorter)", get(),
                        stored("Cache-Control", "max-age=100, s-maxage=10"), 50, FETCH),
                new PlanCase("max-age wins over Expires", get(), stored("Cache-Control", "max-age=10", "Date", date,
                        "Expires", FreshnessPolicy.formatDate(T0 + 100_000)), 50, FETCH),
                new PlanCase("Expires minus Date, fresh", get(),
                        stored("Date", date, "Expires", FreshnessPolicy.formatDate(T0 + 100_000)), 99, "serve"),
                new PlanCase("Expires minus Date, expired", get(),
                        stored("Date", date, "Expires", FreshnessPolicy.formatDate(T0 + 100_000)), 100, FETCH),
                new PlanCase("invalid Expires means expired", get(), stored("Expires", "0"), 0, FETCH),
                new PlanCase("malformed max-age means stale", get(), stored("Cache-Control", "max-age=soon",
                        "ETag", "\"v\""), 0, REVALIDATE_ETAG),
                new PlanCase("no explicit freshness: no heuristic, always revalidated", get(),
                        stored("ETag", "\"v1\""), 0, REVALIDATE_ETAG),
                new PlanCase("Age header counts towards age", get(),
                        stored("Cache-Control", "max-age=60", "Age", "50"), 10, FETCH),
                new PlanCase("Age header, still fresh", get(), stored("Cache-Control", "max-age=60", "Age", "50"), 9,
                        "serve"),
                new PlanCase("Date in the past counts towards age (apparent age)", get(),
                        stored("Cache-Control", "max-age=60", "Date", FreshnessPolicy.formatDate(T0 - 55_000)), 5,
                        FETCH),
                new PlanCase("Date in the future (clock skew) does not make it younger", get(),
                        stored("Cache-Control", "max-age=60", "Date", FreshnessPolicy.formatDate(T0 + 3_600_000)), 59,
                        "serve"),
                new PlanCase("no-cache response is revalidated even when fresh", get(),
                        stored("Cache-Control", "no-cache, max-age=600", "ETag", "\"v\""), 1, REVALIDATE_ETAG),
                new PlanCase("no-cache response without a validator is fetched", get(),
                        stored("Cache-Control", "no-cache, max-age=600"), 1, FETCH),
                new PlanCase("field-qualified no-cache counts as no-cache", get(),
                        stored("Cache-Control", "no-cache=\"Set-Cookie\", max-age=600"), 1, FETCH),
                new PlanCase("must-revalidate, fresh", get(), stored("Cache-Control", "max-age=60, must-revalidate"),
                        30, "serve"),
                new PlanCase("must-revalidate, stale with ETag", get(),
                        stored("Cache-Control", "max-age=60, must-revalidate", "ETag", "\"v\""), 61, REVALIDATE_ETAG),
                new PlanCase("stale-while-revalidate window, ETag", get(),
                        stored("Cache-Control", "max-age=60, stale-while-revalidate=30", "ETag", "\"v\""), 89,
                        "serve stale, refresh: " + REVALIDATE_ETAG),
                new PlanCase("stale-while-revalidate window, no validator", get(),
                        stored("Cache-Control", "max-age=60, stale-while-revalidate=30"), 89,
                        "serve stale, refresh: " + FETCH),
                new PlanCase("stale-while-revalidate with s-maxage", get(),
                        stored("Cache-Control", "s-maxage=60, stale-while-revalidate=30"), 70,
                        "serve stale, refresh: " + FETCH),
                new PlanCase("beyond stale-while-revalidate", get(),
                        stored("Cache-Control", "max-age=60, stale-while-revalidate=30", "ETag", "\"v\""), 91,
                        REVALIDATE_ETAG),
                new PlanCase("must-revalidate forbids stale-while-revalidate", get(),
                        stored("Cache-Control", "max-age=60, stale-while-revalidate=30, must-revalidate"), 70, FETCH),
                new PlanCase("stale-while-revalidate for a HEAD refreshes with a GET", request("HEAD"),
                        stored("Cache-Control", "max-age=60, stale-while-revalidate=30"), 70,
                        "serve stale, refresh: " + FETCH),
                new PlanCase("stale-while-revalidate for a Range request refreshes without the range",
                        get("Range", "bytes=0-1"),
                        stored("Cache-Control", "max-age=60, stale-while-revalidate=30", "ETag", "\"v\""), 70,
                        "serve stale, refresh: " + REVALIDATE_ETAG),
                new PlanCase("request max-stale beats stale-while-revalidate (no refresh needed)",
                        get("Cache-Control", "max-stale=60"),
                        stored("Cache-Control", "max-age=60, stale-while-revalidate=30"), 70, "serve stale"),
                new PlanCase("stale-if-error alone does not allow a stale hit", get(),
                        stored("Cache-Control", "max-age=60, stale-if-error=600"), 61, FETCH),
                new PlanCase("Vary: the request matches the stored variant", get("Accept-Language", "de"),
                        varied("de", Headers.of("Accept-Language", "de"), "Cache-Control", "max-age=60",
                                "Vary", "Accept-Language"), 1, "serve"),
                new PlanCase("Vary: the request does not match the stored variant",
                        get("Accept-Language", "fr"), varied("de", Headers.of("Accept-Language", "de"),
                                "Cache-Control", "max-age=60", "Vary", "Accept-Language"), 1, FETCH),
                new PlanCase("Vary: absent matches absent", get(), varied("none", Headers.EMPTY,
                        "Cache-Control", "max-age=60", "Vary", "Accept-Language"), 1, "serve"),
                new PlanCase("Vary: Cookie, another user's cookie", get("Cookie", "sid=b"),
                        varied("a", Headers.of("Cookie", "sid=a"), "Cache-Control", "max-age=60", "Vary", "Cookie"), 1,
                        FETCH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestDirectiveCases")
    void plansForRequestDirectives(PlanCase c) {
        CachePlan plan = plan(c.request(), c.stored(), c.secondsAfterResponse());
        assertThat(describe(plan)).as(plan.reason()).isEqualTo(c.expected());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storedResponseCases")
    void plansForStoredResponses(PlanCase c) {
        CachePlan plan = plan(c.request(), c.stored(), c.secondsAfterResponse());
        assertThat(describe(plan)).as(plan.reason()).isEqualTo(c.expected());
    }

    @Test
    void theClockAloneMovesAResponseThroughItsLife() {
        StoredResponse s = stored("Cache-Control", "max-age=60, stale-while-revalidate=30", "ETag", "\"v\"");
        assertThat(describe(plan(get(), s, 0))).isEqualTo("serve");
        assertThat(describe(plan(get(), s, 59))).isEqualTo("serve");
        assertThat(describe(plan(get(), s, 60))).isEqualTo("serve stale, refresh: " + REVALIDATE_ETAG);
        assertThat(describe(plan(get(), s, 90))).isEqualTo("serve stale, refresh: " + REVALIDATE_ETAG);
        assertThat(describe(plan(get(), s, 91))).isEqualTo(REVALIDATE_ETAG);
        // before the response time (a clock step back): the age never goes negative
        assertThat(describe(strategy.plan(get(), KEY, List.of(s), T0 - 3_600_000))).isEqualTo("serve");
    }

    @Test
    void thePlanIsAPureFunctionOfRequestStoredAndClock() {
        CacheRequest request = get("Accept", "application/json");
        List<StoredResponse> variants = List.of(stored("Cache-Control", "max-age=60", "ETag", "\"v\""));
        for (long seconds : new long[] {0, 30, 61, 100_000}) {
            long now = T0 + seconds * 1000;
            assertThat(strategy.plan(request, KEY, variants, now))
                    .isEqualTo(strategy.plan(request, KEY, variants, now));
        }
    }

    @Test
    void aRevalidationSendsTheStoredValidatorsAndTheRequestsHeaders() {
        String lm = FreshnessPolicy.formatDate(T0);
        StoredResponse s = stored("Cache-Control", "max-age=1", "ETag", "\"stored\"", "Last-Modified", lm);
        CacheRequest caller = get("Accept", "application/json");

        CachePlan.Revalidate plan = (CachePlan.Revalidate) plan(caller, s, 10);

        CacheRequest sent = plan.originRequest();
        assertThat(sent.method()).isEqualTo("GET");
        assertThat(sent.uri()).isEqualTo(URL);
        assertThat(sent.headers().all("If-None-Match")).containsExactly("\"stored\"");
        assertThat(sent.headers().first("If-Modified-Since")).contains(lm);
        assertThat(sent.headers().first("Accept")).contains("application/json");
        assertThat(plan.request()).isSameAs(caller);
        assertThat(plan.candidate()).isSameAs(s);
    }

    @Test
    void aFetchSendsTheRequestAsItIsAndKeepsAStaleCandidateForStaleIfError() {
        StoredResponse s = stored("Cache-Control", "max-age=60, stale-if-error=600");
        CacheRequest caller = get("Accept", "text/plain");

        CachePlan.Fetch plan = (CachePlan.Fetch) plan(caller, s, 61);

        assertThat(plan.originRequest()).isSameAs(caller);
        assertThat(plan.candidate()).as("served if the origin fails").isSameAs(s);
        assertThat(((CachePlan.Fetch) plan(caller, null, 0)).candidate()).isNull();
    }

    @Test
    void theBackgroundRefreshIsAPlainGetOnBehalfOfTheCache() {
        StoredResponse s = stored("Cache-Control", "max-age=60, stale-while-revalidate=30", "ETag", "\"v\"");
        CacheRequest caller = request("HEAD", "Accept", "text/plain", "Range", "bytes=0-1", "If-None-Match",
                "\"mine\"", "Cache-Control", "no-store", "Pragma", "no-cache");

        CachePlan.ServeStaleAndRefresh plan = (CachePlan.ServeStaleAndRefresh) plan(caller, s, 70);

        CacheRequest refresh = plan.refresh().request();
        assertThat(refresh.method()).isEqualTo("GET");
        assertThat(refresh.headers().first("Accept")).contains("text/plain");
        assertThat(refresh.headers().contains("Range")).isFalse();
        assertThat(refresh.headers().contains("Cache-Control")).as("the caller's no-store is not the cache's")
                .isFalse();
        assertThat(refresh.headers().contains("Pragma")).isFalse();
        assertThat(plan.refresh().originRequest().headers().all("If-None-Match")).containsExactly("\"v\"");
        CachePlan.OriginPlan foreground = (CachePlan.OriginPlan) plan(get("Accept", "text/plain"),
                stored("Cache-Control", "max-age=60", "ETag", "\"v\""), 61);
        assertThat(plan.refresh().flight()).as("shares a flight with a foreground revalidation")
                .isEqualTo(foreground.flight());
    }

    @Test
    void theFirstMatchingVariantIsPlannedFor() {
        Headers vary = Headers.of("Cache-Control", "max-age=60", "Vary", "Accept-Language");
        StoredResponse german = varied("de", Headers.of("Accept-Language", "de"), "Cache-Control", "max-age=60",
                "Vary", "Accept-Language");
        StoredResponse english = varied("en", Headers.of("Accept-Language", "en"), "Cache-Control", "max-age=60",
                "Vary", "Accept-Language");
        StoredResponse olderGerman = new StoredResponse(200, vary, "old".getBytes(), T0 - 50_000, T0 - 50_000,
                Map.of("accept-language", "de"), Set.of(), 0);

        CachePlan plan = strategy.plan(get("Accept-Language", "de"), KEY, List.of(english, german, olderGerman),
                T0 + 1000);

        assertThat(((CachePlan.Serve) plan).stored()).isSameAs(german);
    }

    static CachePlan.Flight flight(CachePlan plan) {
        return ((CachePlan.OriginPlan) plan).flight();
    }

    @Test
    void requestsThatMayGetDifferentAnswersNeverWaitForOneAnother() {
        CachePlan.Flight plain = flight(plan(get(), null, 0));
        assertThat(flight(plan(get(), null, 0))).as("equal requests share").isEqualTo(plain);
        assertThat(flight(plan(get("Cookie", "sid=a"), null, 0))).as("cookies alone do not split")
                .isEqualTo(plain);
        assertThat(flight(plan(get("Accept", "text/html"), null, 0))).isNotEqualTo(plain);
        assertThat(flight(plan(get("Accept-Language", "de"), null, 0))).isNotEqualTo(plain);
        assertThat(flight(plan(get("Accept-Encoding", "gzip"), null, 0))).isNotEqualTo(plain);
        assertThat(flight(plan(get("Authorization", "Bearer a"), null, 0)))
                .isNotEqualTo(flight(plan(get("Authorization", "Bearer b"), null, 0)))
                .isNotEqualTo(plain);
        assertThat(strategy.plan(get(), "http://origin/products/2", List.of(), T0)).extracting(p -> flight(p))
                .as("another key").isNotEqualTo(plain);

        StoredResponse variesOnTenant = varied("a", Headers.of("X-Tenant", "a"), "Cache-Control", "max-age=60",
                "Vary", "X-Tenant");
        CachePlan.Flight tenantB = flight(plan(get("X-Tenant", "b"), variesOnTenant, 1));
        CachePlan.Flight tenantC = flight(plan(get("X-Tenant", "c"), variesOnTenant, 1));
        assertThat(tenantB).as("no stored variant matches, the flight still varies on X-Tenant")
                .isNotEqualTo(tenantC);
        assertThat(flight(plan(get("X-Tenant", "b"), variesOnTenant, 1)))
                .isEqualTo(tenantB);
    }

    @Test
    void requestsWithTheirOwnPreconditionsOrRangeOrHeadNeverJoinAFlight() {
        for (String[] headers : List.of(new String[] {"If-None-Match", "\"x\""},
                new String[] {"If-Modified-Since", FreshnessPolicy.formatDate(T0)}, new String[] {"If-Match", "*"},
                new String[] {"If-Unmodified-Since", FreshnessPolicy.formatDate(T0)},
                new String[] {"If-Range", "\"x\""}, new String[] {"Range", "bytes=0-1"})) {
            assertThat(flight(plan(get(headers), null, 0))).as(headers[0]).isInstanceOf(CachePlan.Flight.Alone.class);
        }
        assertThat(flight(plan(request("HEAD"), null, 0))).isInstanceOf(CachePlan.Flight.Alone.class);
    }

    record InvalidationCase(String name, int status, Headers response, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<InvalidationCase> invalidationCases() {
        String target = URL.toString();
        return Stream.of(
                new InvalidationCase("200", 200, Headers.EMPTY, List.of(target)),
                new InvalidationCase("204", 204, Headers.EMPTY, List.of(target)),
                new InvalidationCase("303 (3xx counts, RFC 9111 4.4)", 303, Headers.EMPTY, List.of(target)),
                new InvalidationCase("201 with a relative Location", 201, Headers.of("Location", "/products/2"),
                        List.of(target, "http://origin/products/2")),
                new InvalidationCase("200 with Content-Location", 200,
                        Headers.of("Content-Location", "http://origin/products/1/v2"),
                        List.of(target, "http://origin/products/1/v2")),
                new InvalidationCase("Location on another host is not ours to purge", 201,
                        Headers.of("Location", "http://elsewhere/products/2"), List.of(target)),
                new InvalidationCase("a malformed Location names nothing", 201, Headers.of("Location", "a b:"),
                        List.of(target)),
                new InvalidationCase("400", 400, Headers.of("Location", "/products/2"), List.of()),
                new InvalidationCase("404", 404, Headers.EMPTY, List.of()),
                new InvalidationCase("500", 500, Headers.EMPTY, List.of()),
                new InvalidationCase("100", 100, Headers.EMPTY, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidationCases")
    void anUnsafeMethodInvalidatesOnAnyNonErrorStatus(InvalidationCase c) {
        CachePlan.PassThrough plan = (CachePlan.PassThrough) plan(request("POST"), null, 0);
        assertThat(plan.invalidation().targets(c.status(), c.response())).extracting(URI::toString)
                .containsExactlyElementsOf(c.expected());
    }

    @Test
    void aSafeMethodPassedThroughInvalidatesNothing() {
        CachePlan.PassThrough plan = (CachePlan.PassThrough) plan(request("OPTIONS"), null, 0);
        assertThat(plan.invalidation().targets(200, Headers.of("Location", "/x"))).isEmpty();
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
                new StoreCase("Authorization with must-revalidate", get("Authorization", "Bearer x"), 200,
                        Headers.of("Cache-Control", "max-age=60, must-revalidate"), true),
                new StoreCase("private with s-maxage", get(), 200, Headers.of("Cache-Control", "private, s-maxage=60"),
                        false),
                new StoreCase("204 with ETag only", get(), 204, Headers.of("ETag", "\"x\""), true),
                new StoreCase("301 with max-age", get(), 301, Headers.of("Cache-Control", "max-age=60"), true),
                new StoreCase("302 with ETag only (not heuristically cacheable)", get(), 302,
                        Headers.of("ETag", "\"x\""), false),
                new StoreCase("302 with max-age", get(), 302, Headers.of("Cache-Control", "max-age=60"), true),
                new StoreCase("410 with Last-Modified only", get(), 410,
                        Headers.of("Last-Modified", FreshnessPolicy.formatDate(T0)), true),
                new StoreCase("304 is never stored", get(), 304, Headers.of("Cache-Control", "max-age=60"), false),
                new StoreCase("Vary on a named header is stored", get(), 200,
                        Headers.of("Cache-Control", "max-age=60", "Vary", "Accept-Language"), true),
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
                new ShareCase("validator only: revalidated on every use", get(), stored("ETag", "\"x\""), false),
                new ShareCase("follower's own If-Modified-Since", get("If-Modified-Since",
                        FreshnessPolicy.formatDate(T0)), fresh, false),
                new ShareCase("follower's own If-Match", get("If-Match", "*"), fresh, false),
                new ShareCase("follower's own If-Unmodified-Since", get("If-Unmodified-Since",
                        FreshnessPolicy.formatDate(T0)), fresh, false),
                new ShareCase("follower's own If-Range", get("If-Range", "\"x\""), fresh, false),
                new ShareCase("follower max-age=0, response a second old", get("Cache-Control", "max-age=0"), fresh,
                        false),
                new ShareCase("follower min-fresh beyond the lifetime", get("Cache-Control", "min-fresh=120"), fresh,
                        false),
                new ShareCase("follower with another cookie, response does not vary on it", get("Cookie", "sid=b"),
                        fresh, true),
                new ShareCase("actual response varies on Cookie, follower's differs", get("Cookie", "sid=b"),
                        varied("a", Headers.of("Cookie", "sid=a"), "Cache-Control", "max-age=60", "Vary", "Cookie"),
                        false),
                new ShareCase("actual response varies on X-Tenant, follower's matches", get("X-Tenant", "a"),
                        varied("a", Headers.of("X-Tenant", "a"), "Cache-Control", "max-age=60", "Vary", "X-Tenant"),
                        true),
                new ShareCase("actual response varies on X-Tenant, follower has none", get(),
                        varied("a", Headers.of("X-Tenant", "a"), "Cache-Control", "max-age=60", "Vary", "X-Tenant"),
                        false),
                new ShareCase("follower Authorization, response s-maxage", get("Authorization", "x"),
                        stored("Cache-Control", "s-maxage=60"), true),
                new ShareCase("follower Authorization, response must-revalidate", get("Authorization", "x"),
                        stored("Cache-Control", "max-age=60, must-revalidate"), true),
                new ShareCase("response no-cache: every use is revalidated", get(),
                        stored("Cache-Control", "no-cache, max-age=60", "ETag", "\"x\""), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shareCases")
    void decidesWhatAFollowerMayBeGiven(ShareCase c) {
        assertThat(strategy.mayShare(c.follower(), c.shared(), false, T0 + 1000)).isEqualTo(c.expected());
    }

    @Test
    void aStaleAnswerGivenBecauseTheOriginFailedGoesOnlyToFollowersThatAllowIt() {
        StoredResponse stale = stored("Cache-Control", "max-age=60");
        long now = T0 + 100_000; // 40 s stale
        assertThat(strategy.mayShare(get(), stale, true, now)).isFalse();
        assertThat(strategy.mayShare(get("Cache-Control", "stale-if-error=60"), stale, true, now)).isTrue();
        assertThat(strategy.mayShare(get("Cache-Control", "stale-if-error=10"), stale, true, now)).isFalse();
        StoredResponse allowing = stored("Cache-Control", "max-age=60, stale-if-error=600");
        assertThat(strategy.mayShare(get(), allowing, true, now)).isTrue();
        assertThat(strategy.mayShare(get("Range", "bytes=0-1"), allowing, true, now)).isFalse();
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
        assertThat(describe(strategy.plan(get(), KEY, List.of(old), later))).isEqualTo(REVALIDATE_ETAG);

        StoredResponse refreshed = CacheStrategy.refresh(old, Headers.of("Cache-Control", "max-age=100",
                "ETag", "\"v1\"", "Content-Length", "0"), later, later, null);

        assertThat(refreshed.body()).isEqualTo("body".getBytes());
        assertThat(refreshed.headers().first("Cache-Control")).contains("max-age=100");
        assertThat(refreshed.headers().first("Content-Length")).contains("4");
        assertThat(refreshed.headers().first("X-Old")).contains("kept");
        assertThat(refreshed.tags()).containsExactly("product:1");
        assertThat(describe(strategy.plan(get(), KEY, List.of(refreshed), later + 99_000))).isEqualTo("serve");
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
        assertThat(strategy.retainUntilMillis(stored("Cache-Control", "max-age=60")))
                .as("kept for a request's max-stale").isEqualTo(T0 + 120_000);
        assertThat(strategy.retainUntilMillis(stored("Cache-Control", "max-age=60, must-revalidate")))
                .as("never served stale, no validator: nothing to keep it for").isEqualTo(T0 + 60_000);
        assertThat(strategy.retainUntilMillis(stored("Cache-Control", "max-age=60, s-maxage=60")))
                .as("s-maxage: a shared cache never serves it stale").isEqualTo(T0 + 60_000);
        assertThat(strategy.retainUntilMillis(stored("Cache-Control", "max-age=60, must-revalidate", "ETag", "\"x\"")))
                .as("kept for revalidation").isEqualTo(T0 + 120_000);
        assertThat(strategy.retainUntilMillis(stored("Cache-Control", "max-age=60, must-revalidate", "Age", "50")))
                .isEqualTo(T0 + 10_000);
    }

    @Test
    void nothingIsServedPastMaxEntryLifetimeFreshOrStale() {
        CacheStrategy capped = new CacheStrategy(60_000, 3_600_000); // one hour
        StoredResponse generous = stored("Cache-Control",
                "max-age=86400, stale-while-revalidate=86400, stale-if-error=86400", "ETag", "\"v1\"");
        long withinCap = T0 + 3_600_000;
        long pastCap = withinCap + 1;

        assertThat(describe(capped.plan(get(), KEY, List.of(generous), withinCap))).isEqualTo("serve");
        assertThat(describe(capped.plan(get(), KEY, List.of(generous), pastCap))).isEqualTo(REVALIDATE_ETAG);
        StoredResponse stale = stored("Cache-Control", "max-age=1, stale-while-revalidate=86400");
        assertThat(describe(capped.plan(get(), KEY, List.of(stale), withinCap)))
                .isEqualTo("serve stale, refresh: " + FETCH);
        assertThat(describe(capped.plan(get(), KEY, List.of(stale), pastCap))).isEqualTo(FETCH);
        StoredResponse plain = stored("Cache-Control", "max-age=1");
        assertThat(describe(capped.plan(get("Cache-Control", "max-stale"), KEY, List.of(plain), withinCap)))
                .isEqualTo("serve stale");
        assertThat(describe(capped.plan(get("Cache-Control", "max-stale"), KEY, List.of(plain), pastCap)))
                .isEqualTo(FETCH);
        assertThat(capped.mayServeStaleOnError(get(), generous, withinCap)).isTrue();
        assertThat(capped.mayServeStaleOnError(get("Cache-Control", "stale-if-error=86400"), generous, pastCap))
                .isFalse();
    }

    @Test
    void aLongSMaxAgeWithAShortMaxAgeIsKeptForTheSMaxAgeUpToTheLifetimeCap() {
        // The catalog's long-TTL header (docs/protocol.md, "lifetime cap and fence floor"): a shared cache uses
        // s-maxage (RFC 9111 5.2.2.10), and nothing outlives maxEntryLifetime (24 h by default), so the fence
        // horizon (2 x the cap) still covers every entry a purge could have missed.
        StoredResponse longLived = stored("Cache-Control",
                "public, max-age=5, s-maxage=86400, stale-while-revalidate=5, stale-if-error=300", "ETag", "\"v1\"");
        long anHourLater = T0 + 3_600_000;
        long pastCap = T0 + CacheStrategy.DEFAULT_MAX_ENTRY_LIFETIME_MILLIS + 1;
        assertThat(describe(strategy.plan(get(), KEY, List.of(longLived), T0 + 6_000))).isEqualTo("serve");
        assertThat(describe(strategy.plan(get(), KEY, List.of(longLived), anHourLater))).isEqualTo("serve");
        assertThat(describe(strategy.plan(get(), KEY, List.of(longLived), pastCap))).isEqualTo(REVALIDATE_ETAG);
        assertThat(strategy.retainUntilMillis(longLived))
                .isEqualTo(T0 + CacheStrategy.DEFAULT_MAX_ENTRY_LIFETIME_MILLIS);
        StoredResponse longerThanTheCap = stored("Cache-Control", "max-age=5, s-maxage=604800");
        assertThat(describe(strategy.plan(get(), KEY, List.of(longerThanTheCap), pastCap))).isEqualTo(FETCH);
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

    @Test
    void aConditionalRequestIsAnsweredFromAFreshStoredResponse() {
        StoredResponse tagged = stored("Cache-Control", "max-age=60", "ETag", "W/\"v1\"",
                "Last-Modified", FreshnessPolicy.formatDate(T0 - 60_000));
        assertThat(describe(plan(get("If-None-Match", "\"v1\""), tagged, 1))).as("weak comparison")
                .isEqualTo("serve 304");
        assertThat(describe(plan(get("If-None-Match", "\"v0\", W/\"v1\""), tagged, 1))).isEqualTo("serve 304");
        assertThat(describe(plan(get("If-None-Match", "*"), tagged, 1))).isEqualTo("serve 304");
        assertThat(describe(plan(get("If-None-Match", "\"v2\""), tagged, 1))).as("full answer").isEqualTo("serve");
        assertThat(describe(plan(get("If-None-Match", "\"v2\"", "If-Modified-Since",
                FreshnessPolicy.formatDate(T0)), tagged, 1))).as("If-None-Match takes precedence").isEqualTo("serve");
        assertThat(describe(plan(get("If-Modified-Since", FreshnessPolicy.formatDate(T0 - 60_000)), tagged, 1)))
                .isEqualTo("serve 304");
        assertThat(describe(plan(get("If-Modified-Since", FreshnessPolicy.formatDate(T0 - 120_000)), tagged, 1)))
                .isEqualTo("serve");
        StoredResponse dated = stored("Cache-Control", "max-age=60", "Date", FreshnessPolicy.formatDate(T0));
        assertThat(describe(plan(get("If-Modified-Since", FreshnessPolicy.formatDate(T0)), dated, 1)))
                .as("no Last-Modified: the Date counts").isEqualTo("serve 304");
        assertThat(describe(plan(get("If-None-Match", "\"v1\""), tagged, 120)))
                .as("stale: the request goes to the origin as it is").isEqualTo("fetch, alone, stores");
    }

    @Test
    void a304KeepsTheStoredValidatorAndDigest() {
        StoredResponse stored = stored("Cache-Control", "max-age=2", "ETag", "\"abc\"", "Content-MD5", "x==",
                "Content-Type", "text/plain");
        StoredResponse refreshed = CacheStrategy.refresh(stored, Headers.of("ETag", "\"def\"", "Content-MD5", "y==",
                "Content-Type", "text/html", "Cache-Control", "max-age=60"), T0 + 5000, T0 + 5000, null);
        assertThat(refreshed.headers().first("ETag")).hasValue("\"abc\"");
        assertThat(refreshed.headers().first("Content-MD5")).hasValue("x==");
        assertThat(refreshed.headers().first("Content-Type")).hasValue("text/html");
        assertThat(refreshed.headers().first("Cache-Control")).hasValue("max-age=60");
    }

    @Test
    void aSingleByteRangeIsAnsweredFromAStoredCompleteResponse() {
        StoredResponse stored = new StoredResponse(200, Headers.of("Cache-Control", "max-age=60"),
                "01234567890".getBytes(), T0, T0, Map.of(), Set.of(), 0);
        assertThat(describe(plan(get("Range", "bytes=0-1"), stored, 1))).isEqualTo("serve 206 bytes 0-1/11");
        assertThat(describe(plan(get("Range", "bytes=5-"), stored, 1))).isEqualTo("serve 206 bytes 5-10/11");
        assertThat(describe(plan(get("Range", "bytes=-1"), stored, 1))).isEqualTo("serve 206 bytes 10-10/11");
        assertThat(describe(plan(get("Range", "bytes=8-100"), stored, 1))).isEqualTo("serve 206 bytes 8-10/11");
        assertThat(describe(plan(get("Range", "bytes=0-1, 3-4"), stored, 1))).as("several ranges: the whole")
                .isEqualTo("serve");
        assertThat(describe(plan(get("Range", "bytes=20-"), stored, 1))).as("unsatisfiable: the whole")
                .isEqualTo("serve");
        assertThat(describe(plan(get("Range", "bytes=0-1", "If-Range", "\"x\""), stored, 1))).isEqualTo("serve");
        assertThat(describe(plan(get("Range", "bytes=0-1"), stored, 120))).as("stale: to the origin as it is")
                .isEqualTo("fetch, alone, stores");
    }
}
