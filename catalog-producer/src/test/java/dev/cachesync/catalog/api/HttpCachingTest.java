package dev.cachesync.catalog.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.catalog.product.Product;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpCachingTest {
    private static final Instant T = Instant.parse("2026-03-04T05:06:07.890Z");
    private static final Product V3 = new Product("p", "n", null, 1, "EUR", 0, "c", null, 3, T);

    @Test
    void httpDatesUseTwoDigitDaysInGmt() {
        assertThat(HttpCaching.httpDate(T)).isEqualTo("Wed, 04 Mar 2026 05:06:07 GMT");
        assertThat(HttpCaching.parseHttpDate("Wed, 04 Mar 2026 05:06:07 GMT")).isEqualTo(Instant.parse("2026-03-04T05:06:07Z"));
        assertThat(HttpCaching.parseHttpDate("yesterday")).isNull();
    }

    @Test
    void ifNoneMatchUsesWeakComparisonAndWinsOverIfModifiedSince() {
        String etag = HttpCaching.etag(V3);
        assertThat(HttpCaching.notModified("\"1\", W/\"3\"", null, etag, T)).isTrue();
        assertThat(HttpCaching.notModified("*", null, etag, T)).isTrue();
        assertThat(HttpCaching.notModified("\"2\"", "Wed, 04 Mar 2026 05:06:07 GMT", etag, T)).isFalse();
    }

    @Test
    void ifModifiedSinceComparesWholeSeconds() {
        assertThat(HttpCaching.notModified(null, "Wed, 04 Mar 2026 05:06:07 GMT", "\"3\"", T)).isTrue();
        assertThat(HttpCaching.notModified(null, "Wed, 04 Mar 2026 05:06:06 GMT", "\"3\"", T)).isFalse();
        assertThat(HttpCaching.notModified(null, "garbage", "\"3\"", T)).isFalse();
    }

    @Test
    void ifMatchNeedsAStrongMatchOfTheCurrentVersion() {
        assertThat(HttpCaching.writeCondition("\"3\"", null).allows(V3)).isTrue();
        assertThat(HttpCaching.writeCondition("\"1\", \"3\"", null).allows(V3)).isTrue();
        assertThat(HttpCaching.writeCondition("W/\"3\"", null).allows(V3)).isFalse();
        assertThat(HttpCaching.writeCondition("\"2\"", null).allows(V3)).isFalse();
        assertThat(HttpCaching.writeCondition("\"3\"", null).allows(null)).isFalse();
        assertThat(HttpCaching.writeCondition("*", null).allows(V3)).isTrue();
        assertThat(HttpCaching.writeCondition("*", null).allows(null)).isFalse();
        assertThat(HttpCaching.writeCondition(null, "*").allows(null)).isTrue();
        assertThat(HttpCaching.writeCondition(null, "*").allows(V3)).isFalse();
        assertThat(HttpCaching.writeCondition(null, null).allows(null)).isTrue();
    }

    @Test
    void listEtagsChangeWhenAnyShownVersionChanges() {
        Product v4 = new Product("p", "n", null, 1, "EUR", 0, "c", null, 4, T);
        assertThat(HttpCaching.listEtag("k", List.of(V3))).isEqualTo(HttpCaching.listEtag("k", List.of(V3)))
                .isNotEqualTo(HttpCaching.listEtag("k", List.of(v4)))
                .isNotEqualTo(HttpCaching.listEtag("other", List.of(V3)));
    }
}
