package dev.cachesync.cache.client;

import dev.cachesync.cache.http.StoredResponse;

/**
 * The outcome of one origin round (an {@link OriginFill}), shared by single-flight followers.
 *
 * @param fillSequence the purge sequence read before the content was fetched (-1 when unknown)
 * @param askedAtNanos {@link System#nanoTime()} just before the origin was asked, or {@link #NOT_ASKED}
 *                     when the response did not come from an origin request made by this round
 * @param shareable    the response as a shared cache would store it (Set-Cookie removed, varied on the
 *                     leader's request), or null when it may not be stored: then no follower gets it
 * @param staleOnError the response is a stored one served because the origin failed
 */
record OriginOutcome(CachedHttpResponse response, long fillSequence, long askedAtNanos, StoredResponse shareable,
                     boolean staleOnError) {

    /** {@link #askedAtNanos} of a response that did not come from an origin request of this round. */
    static final long NOT_ASKED = Long.MIN_VALUE;
}
