package dev.cachesync.cache.client;

import dev.cachesync.cache.http.CachePlan;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.cache.store.KeyLayout;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries out a {@link CachePlan.PassThrough}: forwards the request, then purges what its answer invalidates. */
final class OriginPassThrough {

    private static final Logger log = LoggerFactory.getLogger(CachingHttpClient.class);

    private final Origin origin;
    private final TagPurger purger;
    private final ClientMetrics metrics;

    OriginPassThrough(Origin origin, TagPurger purger, ClientMetrics metrics) {
        this.origin = origin;
        this.purger = purger;
        this.metrics = metrics;
    }

    CachedHttpResponse send(CachePlan.PassThrough plan) {
        Origin.Response response;
        long started = System.nanoTime();
        try {
            response = origin.send(plan.request());
        } catch (IOException e) {
            metrics.originErrors.increment();
            throw new OriginUnavailableException("origin unreachable for " + plan.request().uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OriginUnavailableException("interrupted while asking the origin for " + plan.request().uri(),
                    e);
        } finally {
            metrics.originLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
        List<URI> invalidated = plan.invalidation().targets(response.status(), response.headers());
        if (!invalidated.isEmpty()) {
            List<String> keys = new ArrayList<>();
            invalidated.forEach(uri -> keys.add(KeyLayout.entryKey(uri)));
            try {
                purger.purgeKeys(keys);
                log.debug("[Cache] PURGED {} after {} {}", keys, plan.request().method(), response.status());
            } catch (RuntimeException e) {
                metrics.redisErrors.increment();
                log.warn("[Cache] could not purge {} after {}: {}", keys, plan.request().method(), e.toString());
            }
        }
        return new CachedHttpResponse(response.status(), response.headers(), response.body(), CacheSource.ORIGIN,
                response.rest());
    }
}
