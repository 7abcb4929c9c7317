package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.OneInstance;
import dev.cachesync.cache.TestClock;
import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.TestRedis;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Micrometer's standard cache meters on a caching client, beside the tier-specific ones, on real Redis. */
class StandardCacheMetersTest extends OneInstance {

    TestOrigin origin;
    TestClock clock;
    String prefix;
    MeterRegistry registry;
    CachingHttpClient client;

    @BeforeEach
    void start() {
        origin = TestOrigin.start();
        clock = new TestClock();
        prefix = TestRedis.uniquePrefix("standard");
        registry = new SimpleMeterRegistry();
        client = CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix).origin(origin.uri()).clock(clock)
                .meterRegistry(registry).sweepInterval(Duration.ZERO).redisTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        origin.close();
    }

    @Test
    void getsPutsAndSizeFollowTheRequestsTaggedByCacheName() {
        origin.route("/products/1", r -> Reply.ok("p1", "Cache-Control", "max-age=60"));
        origin.route("/products/2", r -> Reply.ok("p2", "Cache-Control", "max-age=60"));

        client.get("/products/1"); // miss, stored
        client.get("/products/1"); // near-cache hit
        client.get("/products/2"); // miss, stored
        client.get("/products/2"); // hit

        String cache = prefix.substring(0, prefix.length() - 1);
        assertThat(registry.get("cache.gets").tags("cache", cache, "prefix", prefix, "result", "hit")
                .functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("cache.gets").tags("cache", cache, "result", "miss").functionCounter().count())
                .isEqualTo(2);
        assertThat(registry.get("cache.puts").tags("cache", cache).functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("cache.size").tags("cache", cache).gauge().value()).isEqualTo(2);
        // cachesync's own names stay, with their tier
        assertThat(registry.get("cache.hits").tags("prefix", prefix, "tier", "local").counter().count()).isEqualTo(2);
        assertThat(registry.get("cache.misses").tags("prefix", prefix).counter().count()).isEqualTo(2);
    }

    @Test
    void theExpirySweepCountsOnTheStandardEvictionsMeter() {
        try (CachingHttpClient sweeping = CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix)
                .origin(origin.uri()).clock(clock).meterRegistry(registry).sweepInterval(Duration.ofMillis(50))
                .redisTimeout(Duration.ofSeconds(5)).build()) {
            origin.route("/short", r -> Reply.ok("s", "Cache-Control", "max-age=1"));
            sweeping.get("/short");
            clock.advance(Duration.ofMinutes(6)); // past max-age and the 5 min it is kept for a request's max-stale

            await().atMost(Duration.ofSeconds(5)).until(() -> sweeping.stats().evictions() == 1);
            assertThat(registry.get("cache.evictions").tags("cache", prefix.substring(0, prefix.length() - 1),
                    "prefix", prefix).counter().count()).isEqualTo(1);
        }
    }

    @Test
    void everyMeterNameHasOneSetOfTagKeys() {
        origin.route("/products/1", r -> Reply.ok("p1", "Cache-Control", "max-age=60"));
        client.get("/products/1");
        client.purger().purgeTags(java.util.List.of("product:1"));

        // Prometheus rejects one name with different label names: every name must carry the same tag keys
        Map<String, Set<Set<String>>> keysByName = new TreeMap<>();
        for (Meter meter : registry.getMeters()) {
            Set<String> keys = new HashSet<>();
            meter.getId().getTags().forEach(t -> keys.add(t.getKey()));
            keysByName.computeIfAbsent(meter.getId().getName(), n -> new HashSet<>()).add(keys);
        }
        assertThat(keysByName).allSatisfy((name, tagKeySets) -> assertThat(tagKeySets).as(name).hasSize(1));
        assertThat(keysByName.get("cache.evictions")).containsExactly(Set.of("cache", "prefix"));
    }
}
