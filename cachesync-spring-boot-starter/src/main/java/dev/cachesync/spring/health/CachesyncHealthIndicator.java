package dev.cachesync.spring.health;

import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.store.CacheStore;
import org.redisson.api.RTopic;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Actuator health of cachesync ({@code /actuator/health/cachesync}): UP when Redis answers (one read of the purge
 * sequence, bounded by the client's {@code redisTimeout}) and this process is subscribed to the near cache's
 * invalidation channel, without which its near cache would miss purges. Both checks are cheap: one GET, and a
 * look at Redisson's own subscription table (no Redis call).
 *
 * <p>DOWN means this instance cannot use the shared cache; readers still get answers (near cache and origin), so
 * map it to readiness or alerting rather than liveness.
 */
public final class CachesyncHealthIndicator extends AbstractHealthIndicator {

    private final CacheStore store;
    private final RTopic invalidations;

    public CachesyncHealthIndicator(CachingHttpClient client) {
        super("cachesync health check failed");
        this.store = client.store();
        // Redisson's RLocalCachedMap publishes invalidations on "{<map name>}:topic" (the ACL rules name it too)
        this.invalidations = store.redisson().getTopic(store.invalidationTopic());
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("prefix", store.layout().prefix());
        long sequence = store.sequence(); // throws when Redis is unreachable or slow: DOWN with the reason
        builder.withDetail("redis", "reachable").withDetail("purgeSequence", sequence);
        if (!store.nearCacheEnabled()) {
            builder.up().withDetail("nearCache", "off");
            return;
        }
        int listeners = invalidations.countListeners();
        builder.withDetail("invalidationChannel", invalidations.getChannelNames().get(0))
                .withDetail("invalidationListeners", listeners)
                // informational: a lapsed lease means near hits go to Redis until the channel answers again
                .withDetail("nearCacheLease", store.nearCacheLeaseHeld() ? "held" : "lapsed");
        if (listeners > 0) {
            builder.up();
        } else {
            builder.down().withDetail("reason", "not subscribed to the near cache's invalidation channel");
        }
    }
}
