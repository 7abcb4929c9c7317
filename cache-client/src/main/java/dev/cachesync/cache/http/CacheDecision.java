package dev.cachesync.cache.http;

/**
 * What to do with a request given what is stored.
 *
 * @param stored the stored response the decision is about (null for FETCH without a candidate and PASS_THROUGH)
 * @param reason a short human-readable reason, for logs and tests
 */
public record CacheDecision(Action action, StoredResponse stored, String reason) {

    public enum Action {
        /** Fresh: answer from the cache. */
        SERVE,
        /** Stale, but the client allowed it with {@code max-stale}: answer from the cache. */
        SERVE_STALE,
        /** Stale within {@code stale-while-revalidate}: answer from the cache, refresh in the background. */
        SERVE_STALE_AND_REVALIDATE_IN_BACKGROUND,
        /** Ask the origin with {@code If-None-Match} / {@code If-Modified-Since}; a 304 refreshes the entry. */
        REVALIDATE,
        /** Nothing usable stored (or no validator): a full request to the origin. */
        FETCH,
        /** A method the cache does not handle (not GET/HEAD): straight to the origin. */
        PASS_THROUGH
    }

    public boolean servesFromCache() {
        return action == Action.SERVE || action == Action.SERVE_STALE
                || action == Action.SERVE_STALE_AND_REVALIDATE_IN_BACKGROUND;
    }
}
