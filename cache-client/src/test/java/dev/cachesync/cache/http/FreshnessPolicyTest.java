package dev.cachesync.cache.http;

import static dev.cachesync.cache.http.CacheStrategyTest.KEY;
import static dev.cachesync.cache.http.CacheStrategyTest.T0;
import static dev.cachesync.cache.http.CacheStrategyTest.describe;
import static dev.cachesync.cache.http.CacheStrategyTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Age parsing (RFC 9111 5.1) and must-understand (5.2.2.3), as the cache-tests suite checks them. */
class FreshnessPolicyTest {

    final CacheStrategy strategy = new CacheStrategy(60_000);

    static StoredResponse withAge(String... ages) {
        Headers headers = Headers.of("Cache-Control", "max-age=3600", "Date", FreshnessPolicy.formatDate(T0));
        headers = headers.withAll("Age", List.of(ages));
        return new StoredResponse(200, headers, "body".getBytes(), T0, T0, Map.of(), Set.of(), 0);
    }

    @Test
    void aValidAgeCountsTowardsTheAge() {
        assertThat(FreshnessPolicy.correctedInitialAgeMillis(withAge("60").headers(), T0, T0)).isEqualTo(60_000);
        assertThat(describe(strategy.plan(get(), KEY, List.of(withAge("60")), T0 + 1000))).isEqualTo("serve");
        assertThat(describe(strategy.plan(get(), KEY, List.of(withAge("7200")), T0 + 1000)))
                .isEqualTo("fetch, shared flight, stores");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-7200", "7200.0", "7200a", "a7200", "7200;foo=bar", "1;foo=1", "0 0", ""})
    void anAgeThatIsNotOneNonNegativeIntegerMakesTheResponseStale(String age) {
        assertThat(describe(strategy.plan(get(), KEY, List.of(withAge(age)), T0 + 1000)))
                .as("Age: %s", age).isEqualTo("fetch, shared flight, stores");
    }

    @Test
    void repeatedAgeFieldsMakeTheResponseStale() {
        assertThat(describe(strategy.plan(get(), KEY, List.of(withAge("0", "7200")), T0 + 1000)))
                .isEqualTo("fetch, shared flight, stores");
        assertThat(describe(strategy.plan(get(), KEY, List.of(withAge("0", "0")), T0 + 1000)))
                .isEqualTo("fetch, shared flight, stores");
    }

    @Test
    void anAgeBeyondTheDeltaSecondsRangeIsAVeryLongTime() {
        assertThat(FreshnessPolicy.ageValueSeconds(List.of("99999999999999999999")))
                .isEqualTo(FreshnessPolicy.MAX_DELTA_SECONDS);
    }

    @Test
    void mustUnderstandKeepsResponsesOfUnknownStatusesOut() {
        Headers response = Headers.of("Cache-Control", "max-age=3600, must-understand");
        assertThat(strategy.storability(get(), 599, response).storable()).isFalse();
        assertThat(strategy.storability(get(), 200, response).storable()).isTrue();
        assertThat(strategy.storability(get(), 599, Headers.of("Cache-Control", "max-age=3600")).storable())
                .as("without must-understand an explicitly fresh 599 may be stored").isTrue();
    }

    @Test
    void theObsoleteHttpDateFormsAreAccepted() {
        long nov6 = java.time.Instant.parse("1994-11-06T08:49:37Z").toEpochMilli();
        assertThat(FreshnessPolicy.parseDate("Sun, 06 Nov 1994 08:49:37 GMT")).hasValue(nov6);
        assertThat(FreshnessPolicy.parseDate("Sunday, 06-Nov-94 08:49:37 GMT")).hasValue(nov6);
        assertThat(FreshnessPolicy.parseDate("Sun Nov  6 08:49:37 1994")).hasValue(nov6);
        int year = java.time.Year.now(java.time.ZoneOffset.UTC).getValue();
        String in30Years = Integer.toString(year + 30).substring(2);
        String weekday = java.time.LocalDate.of(year + 30, 8, 18).getDayOfWeek()
                .getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.US);
        assertThat(FreshnessPolicy.parseDate(weekday + ", 18-Aug-" + in30Years + " 02:01:18 GMT")).as("30 years ahead")
                .hasValue(java.time.Instant.parse((year + 30) + "-08-18T02:01:18Z").toEpochMilli());
        assertThat(FreshnessPolicy.parseDate("0")).isEmpty();
    }
}
