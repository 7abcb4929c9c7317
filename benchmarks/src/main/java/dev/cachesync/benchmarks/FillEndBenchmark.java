package dev.cachesync.benchmarks;

import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.Origin;
import dev.cachesync.cache.http.Headers;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.cache.tags.CatalogTags;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.redisson.api.RedissonClient;

/**
 * Readers waiting for another instance's fill, as a user sees them: 4 concurrent readers of one new URL on 2
 * instances (2 each), origin answering in 20 ms. Cases: a plain fill (the baseline), a purge of the URL's tag
 * racing the fill (the fill is fenced), and a response that may not be stored ({@code private}). Every reader's
 * latency is recorded; the default {@code fillLockWait} (500 ms) is what a waiter sat out when it only polled
 * for an entry.
 */
public final class FillEndBenchmark {

    static final int READERS_PER_INSTANCE = 2;
    static final int ROUNDS = 150;
    static final long ORIGIN_MILLIS = 20;

    enum Case { PLAIN_FILL, PURGE_RACES_FILL, UNCACHEABLE }

    record Outcome(Case which, double p50, double p99, double max, double originCallsPerRound) {
    }

    public List<Outcome> run() throws Exception {
        RedisServer redis = DevStack.redis();
        List<Outcome> outcomes = new ArrayList<>();
        for (Case c : Case.values()) {
            outcomes.add(runCase(c, redis));
        }
        return outcomes;
    }

    private Outcome runCase(Case which, RedisServer redis) throws Exception {
        String prefix = "fill-end-bench-" + which.name().toLowerCase() + "-" + System.nanoTime() + ":";
        RedissonClient purgerRedis = ProxyLoadTest.redisson(redis);
        TagPurger purger = TagPurger.create(purgerRedis, prefix);
        AtomicInteger originCalls = new AtomicInteger();
        java.util.Set<String> asked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Origin origin = request -> {
            String path = request.uri().getPath();
            String tag = CatalogTags.product(path.substring(path.lastIndexOf('/') + 1));
            originCalls.incrementAndGet();
            boolean first = asked.add(path);
            Thread.sleep(ORIGIN_MILLIS / 2);
            if (which == Case.PURGE_RACES_FILL && first) {
                purger.purgeTags(List.of(tag)); // the product changes while the first filler waits for the origin
            }
            Thread.sleep(ORIGIN_MILLIS / 2);
            String cc = which == Case.UNCACHEABLE ? "private, max-age=60" : "max-age=60";
            return new Origin.Response(200, Headers.of("Cache-Control", cc, "Cache-Tags", tag),
                    ("body of " + path).getBytes(StandardCharsets.UTF_8));
        };
        List<RedissonClient> redissons = new ArrayList<>();
        List<CachingHttpClient> instances = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RedissonClient r = ProxyLoadTest.redisson(redis);
            redissons.add(r);
            instances.add(CachingHttpClient.builder().redisson(r).keyPrefix(prefix).origin(origin)
                    .sweepInterval(Duration.ZERO).build());
        }
        int readers = READERS_PER_INSTANCE * instances.size();
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        long[] latencies = new long[ROUNDS * readers];
        int n = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String url = "http://catalog.bench/products/" + round;
                CyclicBarrier start = new CyclicBarrier(readers);
                List<Future<Long>> results = new ArrayList<>();
                for (int r = 0; r < readers; r++) {
                    CachingHttpClient client = instances.get(r % instances.size());
                    results.add(pool.submit(() -> {
                        start.await();
                        long t0 = System.nanoTime();
                        client.get(url);
                        return System.nanoTime() - t0;
                    }));
                }
                for (Future<Long> f : results) {
                    latencies[n++] = f.get();
                }
            }
        } finally {
            pool.shutdownNow();
            instances.forEach(CachingHttpClient::close);
            redissons.forEach(RedissonClient::shutdown);
            purgerRedis.shutdown();
        }
        Arrays.sort(latencies);
        return new Outcome(which, ProxyLoadTest.pct(latencies, 0.50), ProxyLoadTest.pct(latencies, 0.99),
                latencies[latencies.length - 1] / 1e6, originCalls.get() / (double) ROUNDS);
    }

    static String toMarkdown(List<Outcome> outcomes) {
        StringBuilder md = new StringBuilder("| case | reader p50 ms | reader p99 ms | max ms | origin calls per round |\n"
                + "|---|---|---|---|---|\n");
        for (Outcome o : outcomes) {
            md.append(String.format("| %s | %.1f | %.1f | %.1f | %.2f |%n", o.which().name().toLowerCase()
                    .replace('_', ' '), o.p50(), o.p99(), o.max(), o.originCallsPerRound()));
        }
        return md.toString();
    }
}
