package dev.cachesync.cache.client;

import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.CacheStrategy;
import java.time.Clock;
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
 * Single flight in one process: concurrent misses with the same flight key (a {@code CachePlan.Flight.Join}: the
 * strategy decides who may join) make one origin request, and a follower takes the leader's response only when
 * {@link CacheStrategy#mayShare} allows it and no purge it must see came in between (README "Isolation").
 */
final class SingleFlight {

    private static final Logger log = LoggerFactory.getLogger(CachingHttpClient.class);

    private final Map<String, CompletableFuture<OriginOutcome>> flights = new ConcurrentHashMap<>();
    private final AtomicInteger followers = new AtomicInteger();
    private final CacheStrategy strategy;
    private final Clock clock;
    /** The purge sequence now, or -1 when it cannot be read. */
    private final LongSupplier sequenceOrUnknown;

    SingleFlight(CacheStrategy strategy, Clock clock, LongSupplier sequenceOrUnknown) {
        this.strategy = strategy;
        this.clock = clock;
        this.sequenceOrUnknown = sequenceOrUnknown;
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
    CachedHttpResponse run(String flightKey, CacheRequest request, Supplier<OriginOutcome> work) {
        long arrivedNanos = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            CompletableFuture<OriginOutcome> mine = new CompletableFuture<>();
            CompletableFuture<OriginOutcome> leader = attempt < 3 ? flights.putIfAbsent(flightKey, mine) : null;
            if (leader == null) {
                try {
                    OriginOutcome flight = work.get();
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
            OriginOutcome flight;
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
            boolean askedAfterArrival = flight.askedAtNanos() != OriginOutcome.NOT_ASKED
                    && flight.askedAtNanos() - arrivedNanos >= 0;
            boolean fetchedAfterKnownPurges = sequenceAtJoin >= 0 && flight.fillSequence() >= sequenceAtJoin;
            if (askedAfterArrival || fetchedAfterKnownPurges) {
                return CachedHttpResponse.fromStored(request, flight.shareable(), flight.response().source(), now);
            }
            log.debug("[Cache] leader of {} fetched before a purge this caller must see, asking again", flightKey);
        }
    }
}
