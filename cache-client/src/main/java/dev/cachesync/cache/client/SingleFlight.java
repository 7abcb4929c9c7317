package dev.cachesync.cache.client;

import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.CacheStrategy;
import dev.cachesync.cache.http.StoredResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single flight in one process: concurrent misses with the same flight key make one origin request, and a
 * follower takes the leader's response only when {@link CacheStrategy#mayShare} allows it and no purge it must
 * see came in between (README "Isolation").
 */
final class SingleFlight {

    private static final Logger log = LoggerFactory.getLogger(CachingHttpClient.class);

    /**
     * The outcome of one origin round, shared by single-flight followers.
     *
     * @param fillSequence the purge sequence read before the content was fetched (-1 when unknown)
     * @param askedAtNanos {@link System#nanoTime()} just before the origin was asked, or {@link #NOT_ASKED}
     *                     when the response did not come from an origin request made by this flight
     * @param shareable    the response as a shared cache would store it (Set-Cookie removed, varied on the
     *                     leader's request), or null when it may not be stored: then no follower gets it
     * @param staleOnError the response is a stored one served because the origin failed
     */
    record Flight(CachedHttpResponse response, long fillSequence, long askedAtNanos,
                          StoredResponse shareable, boolean staleOnError) {

        /** {@link #askedAtNanos} of a response that did not come from an origin request of this flight. */
        static final long NOT_ASKED = Long.MIN_VALUE;
    }

    /** Renders a stored response for a caller (its own body copy, Age). */
    @FunctionalInterface
    interface Renderer {
        CachedHttpResponse render(CacheRequest request, StoredResponse stored, CacheSource source, long nowMillis);
    }

    private final Map<String, CompletableFuture<Flight>> flights = new ConcurrentHashMap<>();
    private final AtomicInteger followers = new AtomicInteger();
    private final CacheStrategy strategy;
    private final Clock clock;
    /** The purge sequence now, or -1 when it cannot be read. */
    private final LongSupplier sequenceOrUnknown;
    private final Renderer render;

    SingleFlight(CacheStrategy strategy, Clock clock, LongSupplier sequenceOrUnknown, Renderer render) {
        this.strategy = strategy;
        this.clock = clock;
        this.sequenceOrUnknown = sequenceOrUnknown;
        this.render = render;
    }

    boolean inFlight(String flightKey) {
        return flights.containsKey(flightKey);
    }

    /** Callers currently waiting for another caller's origin request. */
    int followers() {
        return followers.get();
    }

    /**
     * One origin request per key at a time in this process. A follower may only take the leader's result if
     * the leader asked the origin after the follower arrived, or fetched after every purge acknowledged before
     * the follower arrived (leader's fill sequence >= the sequence the follower reads on joining); otherwise it
     * asks again, so single flight never turns a read that starts after a purge into a stale read. When the
     * sequence cannot be read (Redis unreachable from here, while purges may still be acknowledged by others),
     * only the first rule applies.
     */
    CachedHttpResponse run(String flightKey, CacheRequest request, Supplier<Flight> work) {
        long arrivedNanos = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            CompletableFuture<Flight> mine = new CompletableFuture<>();
            CompletableFuture<Flight> leader = attempt < 3 ? flights.putIfAbsent(flightKey, mine) : null;
            if (leader == null) {
                try {
                    Flight flight = work.get();
                    mine.complete(flight);
                    return flight.response();
                } catch (RuntimeException e) {
                    mine.completeExceptionally(e);
                    throw e;
                } finally {
                    flights.remove(flightKey, mine);
                }
            }
            long sequenceAtJoin = sequenceOrUnknown.getAsLong();
            Flight flight;
            followers.incrementAndGet();
            try {
                flight = leader.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof OriginUnavailableException o
                        && o.getCause() instanceof InterruptedException) {
                    return work.get().response(); // the leader's caller was interrupted, not this one
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            } finally {
                followers.decrementAndGet();
            }
            long now = clock.millis();
            if (!strategy.mayShare(request, flight.shareable(), flight.staleOnError(), now)) {
                log.debug("[Cache] leader's response for {} is not for this caller, asking the origin", flightKey);
                return work.get().response();
            }
            boolean askedAfterArrival = flight.askedAtNanos() != Flight.NOT_ASKED
                    && flight.askedAtNanos() - arrivedNanos >= 0;
            boolean fetchedAfterKnownPurges = sequenceAtJoin >= 0 && flight.fillSequence() >= sequenceAtJoin;
            if (askedAfterArrival || fetchedAfterKnownPurges) {
                return render.render(request, flight.shareable(), flight.response().source(), now);
            }
            log.debug("[Cache] leader of {} fetched before a purge this caller must see, asking again", flightKey);
        }
    }

    /**
     * Requests that may get different responses must not share a flight: the key includes the values of the
     * headers the stored variant varies on, and of the usual content-negotiation headers.
     */
    static String key(String key, CacheRequest request, StoredResponse stored) {
        StringBuilder k = new StringBuilder(request.method()).append(' ').append(key);
        List<String> names = new ArrayList<>(List.of("accept", "accept-language", "accept-encoding", "authorization"));
        if (stored != null) {
            stored.varyNames().forEach(n -> {
                if (!names.contains(n)) {
                    names.add(n);
                }
            });
        }
        for (String name : names) {
            request.headers().combined(name).ifPresent(v -> k.append('\n').append(name).append(':').append(v));
        }
        return k.toString();
    }
}
