package dev.cachesync.cache.http;

import static dev.cachesync.cache.http.CacheStrategyTest.KEY;
import static dev.cachesync.cache.http.CacheStrategyTest.T0;
import static dev.cachesync.cache.http.CacheStrategyTest.describe;
import static dev.cachesync.cache.http.CacheStrategyTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 9213 targeted cache control: which field decides, precedence, invalid fields, what is ignored. */
class TargetedCacheControlTest {

    static final TargetedCacheControl OWN = TargetedCacheControl.withOwnField("Cachesync-Cache-Control");

    static StoredResponse stored(String... headers) {
        return new StoredResponse(200, Headers.of(headers), "body".getBytes(), T0, T0, Map.of(), Set.of(), 0);
    }

    static String plan(CacheStrategy strategy, StoredResponse stored, long secondsAfterResponse) {
        return describe(strategy.plan(get(), KEY, List.of(stored), T0 + secondsAfterResponse * 1000));
    }

    @Test
    void cdnCacheControlIsHonouredByDefaultAndOverridesCacheControl() {
        CacheStrategy strategy = new CacheStrategy(60_000);
        StoredResponse longForCdns = stored("Cache-Control", "max-age=10", "CDN-Cache-Control", "max-age=3600");

        assertThat(plan(strategy, longForCdns, 600)).as("CDN-Cache-Control's hour, not Cache-Control's 10 s")
                .isEqualTo("serve");
        assertThat(strategy.storability(get(), 200, Headers.of("Cache-Control", "no-store",
                "CDN-Cache-Control", "max-age=60")).storable()).as("Cache-Control no-store is not for this cache")
                .isTrue();
        assertThat(strategy.storability(get(), 200, Headers.of("Cache-Control", "max-age=60",
                "CDN-Cache-Control", "no-store")).storable()).isFalse();
    }

    @Test
    void theOwnFieldWinsOverCdnCacheControlAndCacheControl() {
        CacheStrategy strategy = new CacheStrategy(60_000, CacheStrategy.DEFAULT_MAX_ENTRY_LIFETIME_MILLIS, false, OWN);
        StoredResponse response = stored("Cache-Control", "max-age=10", "CDN-Cache-Control", "max-age=60",
                "Cachesync-Cache-Control", "max-age=86400");

        assertThat(plan(strategy, response, 3600)).isEqualTo("serve");
        assertThat(plan(new CacheStrategy(60_000), response, 3600)).as("a default cache ignores the own field")
                .isEqualTo("fetch, shared flight, stores");
        assertThat(plan(new CacheStrategy(60_000), response, 30)).isEqualTo("serve");
    }

    @Test
    void targetedFieldIgnoresExpiresToo() {
        CacheStrategy strategy = new CacheStrategy(60_000);
        String date = FreshnessPolicy.formatDate(T0);
        String inAnHour = FreshnessPolicy.formatDate(T0 + 3_600_000);
        StoredResponse response = stored("Date", date, "Expires", inAnHour, "CDN-Cache-Control", "must-revalidate");

        assertThat(response.freshnessLifetimeMillis()).isZero();
        assertThat(FreshnessPolicy.freshnessLifetimeMillis(response.headers(), T0, TargetedCacheControl.NONE))
                .isEqualTo(3_600_000);
        assertThat(plan(strategy, response, 60)).isEqualTo("fetch, shared flight, stores");
    }

    @Test
    void anInvalidTargetedFieldIsIgnoredAndTheNextOneDecides() {
        CacheStrategy strategy = new CacheStrategy(60_000, CacheStrategy.DEFAULT_MAX_ENTRY_LIFETIME_MILLIS, false, OWN);
        // upper-case keys and a bare "=" are not a Structured Fields Dictionary
        StoredResponse invalidOwn = stored("Cachesync-Cache-Control", "MAX-AGE=86400", "CDN-Cache-Control",
                "max-age=600", "Cache-Control", "max-age=10");
        StoredResponse invalidBoth = stored("Cachesync-Cache-Control", "max-age=", "CDN-Cache-Control",
                "max-age=\"600", "Cache-Control", "max-age=10");

        assertThat(plan(strategy, invalidOwn, 300)).as("CDN-Cache-Control's 600 s").isEqualTo("serve");
        assertThat(plan(strategy, invalidOwn, 900)).isEqualTo("fetch, shared flight, stores");
        assertThat(plan(strategy, invalidBoth, 5)).as("falls back to Cache-Control").isEqualTo("serve");
        assertThat(plan(strategy, invalidBoth, 30)).isEqualTo("fetch, shared flight, stores");
    }

    @Test
    void dictionarySyntax() {
        assertThat(TargetedCacheControl.isDictionary("max-age=60")).isTrue();
        assertThat(TargetedCacheControl.isDictionary("max-age=60, stale-while-revalidate=30, public")).isTrue();
        assertThat(TargetedCacheControl.isDictionary("no-cache=\"set-cookie\", private;x=1")).isTrue();
        assertThat(TargetedCacheControl.isDictionary("Max-Age=60")).isFalse();
        assertThat(TargetedCacheControl.isDictionary("max-age=6 0")).isFalse();
        assertThat(TargetedCacheControl.isDictionary("max-age=60,,public")).isFalse();
        assertThat(TargetedCacheControl.isDictionary("")).isFalse();
    }

    @Test
    void theOwnFieldNeedsItsOwnName() {
        assertThat(OWN.fields()).containsExactly("Cachesync-Cache-Control", "CDN-Cache-Control");
        assertThatThrownBy(() -> TargetedCacheControl.withOwnField("Cache-Control"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
