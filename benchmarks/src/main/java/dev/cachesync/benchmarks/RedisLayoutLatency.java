package dev.cachesync.benchmarks;

import dev.cachesync.cache.tags.CatalogTags;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpServer;
import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachedHttpResponse;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.cache.purge.PurgeResult;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.devstack.RedisCluster;
import dev.cachesync.devstack.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.redisson.api.RedissonClient;

/**
 * Fill, Redis-tier read and purge latency on standalone redis-server and on a Redis Cluster (3 primaries, 3
 * replicas, cache-client's segmented layout with the default segment count), in the same run, through
 * cache-client's public API: {@link CachingHttpClient} with the near cache off, and {@link TagPurger}. The origin
 * is an HTTP server in this process that answers at once, so a fill measures the cache's work plus one local HTTP
 * exchange. One caller, one operation at a time: latency, not throughput.
 *
 * <p>Also the cluster with 6 segments (2 x the primaries, the least docs/protocol.md advises), as a purge runs on
 * every segment. Rounds rotate the layouts (each round begins with the next one) so that a
 * change of the machine's load meanwhile falls on all. Each round fills new products, reads them from Redis,
 * then purges them one tag at a time and ten tags at a time (each purge removes that many entries).
 */
final class RedisLayoutLatency {
    enum Operation {
        FILL("fill: miss -> origin -> stored"),
        READ("Redis-tier read (near cache off)"),
        PURGE_ONE_TAG("purge of 1 tag (1 entry)"),
        PURGE_TEN_TAGS("purge of 10 tags (10 entries)");

        final String label;

        Operation(String label) {
            this.label = label;
        }
    }

    static final int FILLS_PER_ROUND = 300;
    static final int READS_PER_ROUND = 600;
    static final int ONE_TAG_PURGES_PER_ROUND = 100;
    static final int TEN_TAG_PURGES_PER_ROUND = 20;

    /** One layout's client and purger, and what it measured. */
    private static final class Layout implements AutoCloseable {
        final String name;
        final RedissonClient redisson;
        final CachingHttpClient client;
        final TagPurger purger;
        final Map<Operation, List<Long>> nanos = new EnumMap<>(Operation.class);
        long unexpected;

        Layout(String name, RedisSettings settings, URI origin) {
            this.name = name;
            this.redisson = settings.createRedisson();
            this.client = CachingHttpClient.builder().redisson(redisson).keyPrefix(settings.keyPrefix())
                    .clusterSegments(settings.clusterSegments()).origin(origin).nearCache(false).build();
            this.purger = TagPurger.create(redisson, settings.keyPrefix(), new SimpleMeterRegistry(),
                    settings.clusterSegments());
            for (Operation op : Operation.values()) {
                nanos.put(op, new ArrayList<>());
            }
        }

        @Override
        public void close() {
            client.close();
            redisson.shutdown();
        }
    }

    record Outcome(String table, String setup) {
    }

    Outcome run(RedisServer standalone, RedisCluster cluster, int rounds) throws Exception {
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService originThreads = Executors.newFixedThreadPool(2);
        origin.setExecutor(originThreads);
        origin.createContext("/", exchange -> {
            String id = exchange.getRequestURI().getPath().substring(exchange.getRequestURI().getPath()
                    .lastIndexOf('/') + 1);
            byte[] body = ("{\"id\":\"" + id + "\",\"name\":\"Product " + id + "\",\"priceCents\":1000}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Cache-Control", "public, max-age=60, s-maxage=86400");
            exchange.getResponseHeaders().add("Cache-Tags", "product:" + id + ", category:c" + (id.hashCode() & 15));
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        origin.start();
        URI base = URI.create("http://127.0.0.1:" + origin.getAddress().getPort());
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> clusterNodes = cluster.nodes().stream().map(n -> n.host() + ":" + n.port()).toList();
        RedisSettings standaloneSettings = RedisSettings.from(Map.of(
                "REDIS_HOST", standalone.host(), "REDIS_PORT", String.valueOf(standalone.port()),
                "REDIS_KEY_PREFIX", "scaling-" + run + ":"));
        // The default segment count, and the least docs/protocol.md advises (2 x the primaries): a purge runs on
        // every segment, so the count is what it costs.
        RedisSettings clusterSettings = RedisSettings.from(Map.of(
                "REDIS_CLUSTER_NODES", String.join(",", clusterNodes),
                "REDIS_KEY_PREFIX", "scaling-" + run + ":"));
        RedisSettings fewerSegments = RedisSettings.from(Map.of(
                "REDIS_CLUSTER_NODES", String.join(",", clusterNodes),
                "REDIS_CLUSTER_SEGMENTS", String.valueOf(2 * cluster.primaries().size()),
                "REDIS_KEY_PREFIX", "scaling-" + run + "-fewer:"));
        try (Layout alone = new Layout("standalone redis-server", standaloneSettings, base);
             Layout clustered = new Layout("Redis Cluster, " + clusterSettings.clusterSegments()
                     + " segments (default)", clusterSettings, base);
             Layout fewer = new Layout("Redis Cluster, " + fewerSegments.clusterSegments() + " segments",
                     fewerSegments, base)) {
            List<Layout> layouts = List.of(alone, clustered, fewer);
            Random random = new Random(42);
            // Round 0 warms up every layout (JIT, connections, scripts loaded) and is not recorded.
            for (int round = 0; round <= rounds; round++) {
                for (int i = 0; i < layouts.size(); i++) {
                    Layout layout = layouts.get((round + i) % layouts.size()); // each round starts with the next one
                    round(layout, "r" + round + "-", random, round > 0);
                }
            }
            StringBuilder table = new StringBuilder("| operation | layout | samples | p50 | p99 | mean | "
                    + "vs standalone (p50, p99) |\n|---|---|---|---|---|---|---|\n");
            for (Operation op : Operation.values()) {
                long[] base0 = sorted(alone.nanos.get(op));
                for (Layout layout : layouts) {
                    long[] a = sorted(layout.nanos.get(op));
                    String ratio = layout == alone ? "" : String.format("%.2fx, %.2fx",
                            p(a, 0.5) / p(base0, 0.5), p(a, 0.99) / p(base0, 0.99));
                    table.append(String.format("| %s | %s | %,d | %.3f ms | %.3f ms | %.3f ms | %s |%n", op.label,
                            layout.name, a.length, p(a, 0.5) / 1e6, p(a, 0.99) / 1e6,
                            java.util.Arrays.stream(a).average().orElse(0) / 1e6, ratio));
                }
            }
            StringBuilder unexpected = new StringBuilder();
            layouts.forEach(l -> unexpected.append(unexpected.length() == 0 ? "" : ", ").append(l.name).append(" ")
                    .append(l.unexpected));
            String setup = "Redis Cluster: devstack's RedisCluster, 3 primaries + 3 replicas on this machine. " + rounds
                    + " rounds after one warm-up round, the layouts taking turns (each round begins with the next "
                    + "one); per round and layout: " + FILLS_PER_ROUND + " fills of new URLs, " + READS_PER_ROUND
                    + " reads of them (random), " + ONE_TAG_PURGES_PER_ROUND + " one-tag purges and "
                    + TEN_TAG_PURGES_PER_ROUND + " ten-tag purges of their product tags. Answers from another tier "
                    + "than expected (a read not from Redis, a fill not from the origin, a purge removing fewer "
                    + "entries): " + unexpected + ".";
            return new Outcome(table.toString(), setup);
        } finally {
            origin.stop(0);
            originThreads.shutdownNow();
        }
    }

    private static void round(Layout layout, String round, Random random, boolean record) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < FILLS_PER_ROUND; i++) {
            ids.add(round + i);
        }
        for (String id : ids) {
            time(layout, Operation.FILL, record, () -> layout.client.get("/products/" + id), CacheSource.ORIGIN);
        }
        for (int i = 0; i < READS_PER_ROUND; i++) {
            String id = ids.get(random.nextInt(ids.size()));
            time(layout, Operation.READ, record, () -> layout.client.get("/products/" + id), CacheSource.REDIS);
        }
        int next = 0;
        for (int i = 0; i < ONE_TAG_PURGES_PER_ROUND; i++) {
            List<String> tags = List.of(CatalogTags.product(ids.get(next++)));
            purge(layout, Operation.PURGE_ONE_TAG, record, tags);
        }
        for (int i = 0; i < TEN_TAG_PURGES_PER_ROUND; i++) {
            List<String> tags = new ArrayList<>();
            for (int t = 0; t < 10; t++) {
                tags.add(CatalogTags.product(ids.get(next++)));
            }
            purge(layout, Operation.PURGE_TEN_TAGS, record, tags);
        }
    }

    private static void time(Layout layout, Operation op, boolean record, Supplier<CachedHttpResponse> call,
                             CacheSource expected) {
        long start = System.nanoTime();
        CachedHttpResponse response = call.get();
        long took = System.nanoTime() - start;
        if (response.source() != expected || response.status() != 200) {
            layout.unexpected++;
        }
        if (record) {
            layout.nanos.get(op).add(took);
        }
    }

    private static void purge(Layout layout, Operation op, boolean record, List<String> tags) {
        long start = System.nanoTime();
        PurgeResult result = layout.purger.purgeTags(tags);
        long took = System.nanoTime() - start;
        if (result.entriesRemoved() != tags.size()) {
            layout.unexpected++;
        }
        if (record) {
            layout.nanos.get(op).add(took);
        }
    }

    private static long[] sorted(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static double p(long[] sorted, double quantile) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))];
    }
}
