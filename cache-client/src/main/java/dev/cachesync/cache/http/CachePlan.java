package dev.cachesync.cache.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the cache does with one request, complete and immutable: {@link CacheStrategy#plan} computes it from the
 * request, the stored variants and the clock (no I/O), and {@code CachingHttpClient} only carries it out. Each
 * plan says whether to answer from the cache, what to send to the origin (with which validators), whether the
 * answer may be stored, and which single flight the request may join.
 */
public sealed interface CachePlan {

    /** A short human-readable reason, for logs and tests. */
    String reason();

    /** Does this plan answer from the cache without waiting for the origin? */
    default boolean servesFromCache() {
        return this instanceof Serve || this instanceof ServeStaleAndRefresh;
    }

    /**
     * Answer with {@code stored}.
     *
     * @param stale       past its freshness, allowed by the request's {@code max-stale}
     * @param notModified the request's own If-None-Match / If-Modified-Since match it: answer 304 without a body
     * @param range       the request's single byte range, answered from the stored complete response (a 206), or
     *                    null for the whole response
     */
    record Serve(StoredResponse stored, boolean stale, boolean notModified, ByteRange range, String reason)
            implements CachePlan {
        public Serve {
            Objects.requireNonNull(stored, "stored");
        }

        /** A full answer with {@code stored}. */
        public Serve(StoredResponse stored, boolean stale, String reason) {
            this(stored, stale, false, null, reason);
        }
    }

    /**
     * One satisfiable byte range of a stored complete response, both ends inclusive: the answer is a 206 with
     * {@code Content-Range: bytes first-last/length} (RFC 9110 14.1.2, 15.3.7).
     */
    record ByteRange(long first, long last, long length) {
        public String contentRange() {
            return "bytes " + first + "-" + last + "/" + length;
        }
    }

    /**
     * Answer with {@code stored} although stale ({@code stale-while-revalidate}) and carry out {@code refresh} in
     * the background; the refresh is no request of its own (it counts in no request statistic).
     */
    record ServeStaleAndRefresh(StoredResponse stored, OriginPlan refresh, String reason) implements CachePlan {
        public ServeStaleAndRefresh {
            Objects.requireNonNull(stored, "stored");
            Objects.requireNonNull(refresh, "refresh");
        }
    }

    /** {@code only-if-cached} and nothing suitable is stored: answer 504, never ask the origin (RFC 9111 5.2.1.7). */
    record OnlyIfCachedMiss(String reason) implements CachePlan {
    }

    /**
     * A method the cache does not answer (not GET/HEAD): forward it; when the origin's answer is not an error,
     * invalidate what {@code invalidation} names.
     */
    record PassThrough(CacheRequest request, Invalidation invalidation, String reason) implements CachePlan {
    }

    /** Plans that ask the origin. */
    sealed interface OriginPlan extends CachePlan {

        /** The caller's request (or, for a background refresh, the GET made on its behalf). */
        CacheRequest request();

        /** What to send to the origin: {@link #request()} plus any validators. */
        CacheRequest originRequest();

        /**
         * The stored response this plan is about: refreshed by a 304, or served if the origin fails and
         * stale-if-error allows it; null when nothing is stored.
         */
        StoredResponse candidate();

        /** Which origin request this one may share with concurrent callers. */
        Flight flight();

        /** Take the cross-instance fill lock and store what may be stored (false: the answer is the caller's alone). */
        boolean fill();
    }

    /**
     * Ask the origin whether {@code stored} is still good: a 304 refreshes it and the caller gets it.
     *
     * @param conditionalHeaders the request's headers plus {@code If-None-Match} / {@code If-Modified-Since}
     */
    record Revalidate(CacheRequest request, StoredResponse stored, Headers conditionalHeaders, Flight flight,
                      boolean fill, String reason) implements OriginPlan {
        public Revalidate {
            Objects.requireNonNull(stored, "stored");
        }

        @Override
        public CacheRequest originRequest() {
            return new CacheRequest(request.method(), request.uri(), conditionalHeaders, request.body());
        }

        @Override
        public StoredResponse candidate() {
            return stored;
        }
    }

    /**
     * A full request to the origin.
     *
     * @param candidate a stored response that did not suit (no validator, too old), served only if the origin
     *                  fails and stale-if-error allows it; null when nothing is stored
     */
    record Fetch(CacheRequest request, StoredResponse candidate, Flight flight, boolean fill, String reason)
            implements OriginPlan {

        @Override
        public CacheRequest originRequest() {
            return request;
        }
    }

    /** Which origin request a request may share (the isolation rules, README "Isolation"). */
    sealed interface Flight {

        /**
         * Share one origin request with concurrent callers of the same key; a follower still takes the leader's
         * answer only when {@link CacheStrategy#mayShare} allows it for its own request.
         */
        record Join(String key) implements Flight {
            public Join {
                Objects.requireNonNull(key, "key");
            }
        }

        /** Ask the origin alone: the answer is for this request only. */
        record Alone(String why) implements Flight {
        }
    }

    /**
     * What an unsafe method's answer invalidates (RFC 9111 4.4): on any non-error status (2xx, 3xx) its target
     * URI and a {@code Location} / {@code Content-Location} on the same host.
     */
    record Invalidation(URI target) {

        /** A safe method (OPTIONS, TRACE) invalidates nothing. */
        public static final Invalidation NONE = new Invalidation(null);

        public List<URI> targets(int status, Headers response) {
            if (target == null || status < 200 || status >= 400) {
                return List.of();
            }
            List<URI> targets = new ArrayList<>();
            targets.add(target);
            for (String header : List.of("Location", "Content-Location")) {
                response.first(header).ifPresent(value -> {
                    try {
                        URI other = target.resolve(value);
                        if (Objects.equals(other.getAuthority(), target.getAuthority())) {
                            targets.add(other);
                        }
                    } catch (IllegalArgumentException malformed) {
                        // not a URI reference: it names nothing to invalidate
                    }
                });
            }
            return targets;
        }
    }
}
