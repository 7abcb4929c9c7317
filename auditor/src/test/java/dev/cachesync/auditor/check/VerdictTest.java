package dev.cachesync.auditor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.http.Headers;
import dev.cachesync.cache.http.StoredResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a stored catalog response's version is read, and how an entry is judged against a change. */
class VerdictTest {

    @Test
    void aProductPageShowsTheVersionInItsBodyOrElseItsStrongEtag() {
        assertThat(StoredVersion.of(response(200, "{\"id\":\"p1\",\"version\":7,\"priceCents\":100}", "\"7\""), "p1"))
                .isEqualTo(new StoredVersion.Known(7));
        assertThat(StoredVersion.of(response(200, "", "\"9\""), "p1")).isEqualTo(new StoredVersion.Known(9)); // HEAD
        assertThat(StoredVersion.of(response(404, "{\"status\":404}", null), "p1")).isEqualTo(new StoredVersion.Absent());
        assertThat(StoredVersion.of(response(200, "not json", "W/\"x\""), "p1")).isEqualTo(new StoredVersion.Unreadable());
        assertThat(StoredVersion.of(response(500, "", null), "p1")).isEqualTo(new StoredVersion.Unreadable());
    }

    @Test
    void aListShowsEachListedProductsVersionAndABatchItsMissingIds() {
        String category = "{\"category\":\"shoes\",\"products\":[{\"id\":\"p1\",\"version\":3},{\"id\":\"p2\",\"version\":5}],\"next\":null}";
        assertThat(StoredVersion.of(response(200, category, "\"l-abc\""), "p2")).isEqualTo(new StoredVersion.Known(5));
        assertThat(StoredVersion.of(response(200, category, "\"l-abc\""), "p9")).isEqualTo(new StoredVersion.Unreadable());
        String batch = "{\"products\":[{\"id\":\"p1\",\"version\":3}],\"missing\":[\"p4\"]}";
        assertThat(StoredVersion.of(response(200, batch, "\"l-def\""), "p4")).isEqualTo(new StoredVersion.Absent());
    }

    @Test
    void anOlderVersionIsStaleTheChangedOrANewerOneConsistent() {
        Change update = new Change("p1", 5, false);
        assertThat(Verdict.of(List.of(page("p1", 4)), update, false)).isEqualTo(Verdict.STALE);
        assertThat(Verdict.of(List.of(page("p1", 5)), update, false)).isEqualTo(Verdict.CONSISTENT);
        assertThat(Verdict.of(List.of(page("p1", 6)), update, false)).isEqualTo(Verdict.CONSISTENT);
        // One stale variant (Vary) makes the entry stale.
        assertThat(Verdict.of(List.of(page("p1", 5), page("p1", 4)), update, false)).isEqualTo(Verdict.STALE);
        assertThat(Verdict.of(List.of(response(200, "<html/>", null)), update, false)).isEqualTo(Verdict.UNREADABLE);
    }

    @Test
    void aStoredNotFoundIsStaleAfterACreateAndConsistentAfterADelete() {
        StoredResponse notFound = response(404, "", null);
        assertThat(Verdict.of(List.of(notFound), new Change("p1", 1, false), false)).isEqualTo(Verdict.STALE);
        assertThat(Verdict.of(List.of(notFound), new Change("p1", 3, true), false)).isEqualTo(Verdict.CONSISTENT);
        // Updated, then deleted before the update's check ran: "no such product" is what the cache should say.
        assertThat(Verdict.of(List.of(notFound), new Change("p1", 2, false), true)).isEqualTo(Verdict.CONSISTENT);
        // The product page as it was before the delete is stale.
        assertThat(Verdict.of(List.of(page("p1", 2)), new Change("p1", 3, true), false)).isEqualTo(Verdict.STALE);
    }

    private static StoredResponse page(String id, long version) {
        return response(200, "{\"id\":\"" + id + "\",\"version\":" + version + "}", "\"" + version + "\"");
    }

    private static StoredResponse response(int status, String body, String etag) {
        Headers headers = etag == null ? Headers.of("Content-Type", "application/json")
                : Headers.of("Content-Type", "application/json", "ETag", etag);
        long now = System.currentTimeMillis();
        return new StoredResponse(status, headers, body.getBytes(), now, now, Map.of(), Set.of("product:p1"), 1);
    }
}
