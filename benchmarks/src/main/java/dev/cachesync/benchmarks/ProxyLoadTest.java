package dev.cachesync.benchmarks;

import dev.cachesync.cache.tags.CatalogTags;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cachesync.cache.client.CachedHttpResponse;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.devstack.RedisServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * End to end: a load generator -> N service instances (small HTTP proxies) -> a slow catalog origin.
 * The same load runs three times: no cache, a per-instance in-memory cache (the guide's "before": 30 s TTL,
 * no invalidation), and cache-client (near cache + shared Redis, purged on every change). A writer changes
 * a few products per second; a response is counted stale when its version is older than the version the
 * origin already had when the request started.
 */
public final class ProxyLoadTest {

    enum Mode { NO_CACHE, IN_MEMORY_PER_INSTANCE, CACHE_CLIENT }

    record Outcome(Mode mode, long requests, double seconds, double p50Ms, double p99Ms, double meanMs,
                   long originRequests, long staleResponses, long changes) {
    }

    static final int PRODUCTS = 200;
    static final int INSTANCES = 3;
    static final int LOAD_THREADS = 8;
    static final long ORIGIN_DELAY_MS = 3;
    static final Duration WARMUP = Duration.ofSeconds(2);
    static final Duration RUN = Duration.ofSeconds(8);
    static final long CHANGE_EVERY_MS = 200;

    private final AtomicLong[] versions = new AtomicLong[PRODUCTS];
    /** The newest version whose change is complete: purged (cache-client) or just written (other modes). */
    private final AtomicLong[] settledVersions = new AtomicLong[PRODUCTS];
    private final AtomicLong originRequests = new AtomicLong();
    private HttpServer origin;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(8)).build();

    List<Outcome> run() throws Exception {
        for (int i = 0; i < PRODUCTS; i++) {
            versions[i] = new AtomicLong(1);
            settledVersions[i] = new AtomicLong(1);
        }
        ExecutorService originThreads = Executors.newFixedThreadPool(32);
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.setExecutor(originThreads);
        origin.createContext("/products/", this::serveProduct);
        origin.start();
        List<Outcome> outcomes = new ArrayList<>();
        try (RedisServer redis = RedisServer.start()) {
            for (Mode mode : Mode.values()) {
                outcomes.add(runMode(mode, redis));
            }
        } finally {
            origin.stop(0);
            originThreads.shutdownNow();
        }
        return outcomes;
    }

    private void serveProduct(HttpExchange exchange) throws IOException {
        originRequests.incrementAndGet();
        int id = Integer.parseInt(exchange.getRequestURI().getPath().substring("/products/".length()));
        try {
            Thread.sleep(ORIGIN_DELAY_MS); // the origin's own work (database, rendering): the cost caches save
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] body = ("{\"id\":\"" + id + "\",\"name\":\"Product " + id + "\",\"priceCents\":1999,"
                + "\"currency\":\"EUR\",\"stock\":3,\"categorySlug\":\"shoes\",\"version\":" + versions[id].get()
                + "}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Cache-Control", "public, max-age=30");
        exchange.getResponseHeaders().add("Cache-Tags", "product:" + id + ", category:shoes");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** One service instance: answers GET /products/{id} through its cache strategy. */
    interface Backend extends AutoCloseable {
        byte[] get(int id) throws Exception;

        @Override
        default void close() {
        }
    }

    private Outcome runMode(Mode mode, RedisServer redis) throws Exception {
        String originBase = "http://127.0.0.1:" + origin.getAddress().getPort();
        String prefix = "proxy-bench-" + mode.name().toLowerCase() + ":";
        List<RedissonClient> redissons = new ArrayList<>();
        List<Backend> backends = new ArrayList<>();
        List<HttpServer> proxies = new ArrayList<>();
        ExecutorService proxyThreads = Executors.newFixedThreadPool(16 * INSTANCES);
        TagPurger purger = null;
        for (int i = 0; i < INSTANCES; i++) {
            Backend backend = switch (mode) {
                case NO_CACHE -> id -> fetch(URI.create(originBase + "/products/" + id));
                case IN_MEMORY_PER_INSTANCE -> new InMemoryBackend(originBase);
                case CACHE_CLIENT -> {
                    RedissonClient r = redisson(redis);
                    redissons.add(r);
                    CachingHttpClient c = CachingHttpClient.builder().redisson(r).keyPrefix(prefix)
                            .origin(URI.create(originBase + "/")).sweepInterval(Duration.ZERO).build();
                    yield new Backend() {
                        public byte[] get(int id) {
                            CachedHttpResponse resp = c.get("/products/" + id);
                            return resp.body();
                        }

                        public void close() {
                            c.close();
                        }
                    };
                }
            };
            backends.add(backend);
            HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            proxy.setExecutor(proxyThreads);
            proxy.createContext("/products/", exchange -> {
                int id = Integer.parseInt(exchange.getRequestURI().getPath().substring("/products/".length()));
                byte[] body;
                try {
                    body = backend.get(id);
                } catch (Exception e) {
                    exchange.sendResponseHeaders(502, -1);
                    exchange.close();
                    return;
                }
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            proxy.start();
            proxies.add(proxy);
        }
        if (mode == Mode.CACHE_CLIENT) {
            RedissonClient r = redisson(redis);
            redissons.add(r);
            purger = TagPurger.create(r, prefix);
        }
        List<URI> instanceUris = proxies.stream()
                .map(p -> URI.create("http://127.0.0.1:" + p.getAddress().getPort() + "/products/")).toList();

        load(instanceUris, WARMUP, null, null);
        long originBefore = originRequests.get();
        AtomicLong changes = new AtomicLong();
        TagPurger writerPurger = purger;
        long[][] latencies = new long[LOAD_THREADS][];
        long[] staleCounts = new long[LOAD_THREADS];
        long start = System.nanoTime();
        Thread writer = new Thread(() -> {
            long end = start + RUN.toNanos();
            while (System.nanoTime() < end) {
                int id = ThreadLocalRandom.current().nextInt(PRODUCTS);
                long version = versions[id].incrementAndGet();
                if (writerPurger != null) {
                    writerPurger.purgeTags(List.of(CatalogTags.product(String.valueOf(id))));
                }
                settledVersions[id].set(version);
                changes.incrementAndGet();
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(CHANGE_EVERY_MS));
            }
        });
        writer.start();
        load(instanceUris, RUN, latencies, staleCounts);
        double seconds = (System.nanoTime() - start) / 1e9;
        writer.join();
        long origins = originRequests.get() - originBefore;

        proxies.forEach(p -> p.stop(0));
        proxyThreads.shutdownNow();
        backends.forEach(Backend::close);
        redissons.forEach(RedissonClient::shutdown);

        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        long stale = Arrays.stream(staleCounts).sum();
        return new Outcome(mode, all.length, seconds, pct(all, 0.50), pct(all, 0.99),
                Arrays.stream(all).average().orElse(0) / 1e6, origins, stale, changes.get());
    }

    private void load(List<URI> instances, Duration duration, long[][] latencies, long[] staleCounts)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(LOAD_THREADS);
        long end = System.nanoTime() + duration.toNanos();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < LOAD_THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                long stale = 0;
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < end) {
                    int id = random.nextInt(PRODUCTS);
                    URI uri = instances.get(random.nextInt(instances.size())).resolve(Integer.toString(id));
                    long versionAtStart = settledVersions[id].get();
                    long t0 = System.nanoTime();
                    byte[] body = fetch(uri);
                    long took = System.nanoTime() - t0;
                    if (version(body) < versionAtStart) {
                        stale++;
                    }
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = took;
                }
                if (latencies != null) {
                    latencies[thread] = Arrays.copyOf(lat, n);
                    staleCounts[thread] = stale;
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
    }

    private byte[] fetch(URI uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " from " + uri);
        }
        return r.body();
    }

    static long version(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        int i = s.indexOf("\"version\":") + "\"version\":".length();
        int j = i;
        while (j < s.length() && Character.isDigit(s.charAt(j))) {
            j++;
        }
        return Long.parseLong(s.substring(i, j));
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    static RedissonClient redisson(RedisServer redis) {
        Config config = new Config();
        config.useSingleServer().setAddress(redis.uri());
        return Redisson.create(config);
    }

    /** The guide's "before": each instance keeps its own map for max-age, nobody invalidates it. */
    private final class InMemoryBackend implements Backend {
        private record Cached(byte[] body, long expiresAtNanos) {
        }

        private final Map<Integer, Cached> cache = new ConcurrentHashMap<>();
        private final String originBase;

        InMemoryBackend(String originBase) {
            this.originBase = originBase;
        }

        @Override
        public byte[] get(int id) throws Exception {
            Cached c = cache.get(id);
            if (c != null && System.nanoTime() < c.expiresAtNanos()) {
                return c.body();
            }
            byte[] body = fetch(URI.create(originBase + "/products/" + id));
            cache.put(id, new Cached(body, System.nanoTime() + TimeUnit.SECONDS.toNanos(30)));
            return body;
        }
    }

    static String toMarkdown(List<Outcome> outcomes) {
        StringBuilder md = new StringBuilder();
        md.append("| mode | requests/s | p50 ms | p99 ms | mean ms | origin requests | hit ratio | stale responses | changes |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Outcome o : outcomes) {
            md.append(String.format("| %s | %.0f | %.2f | %.2f | %.2f | %d | %.2f%% | %d | %d |%n", o.mode(),
                    o.requests() / o.seconds(), o.p50Ms(), o.p99Ms(), o.meanMs(), o.originRequests(),
                    100.0 * (1 - (double) o.originRequests() / Math.max(1, o.requests())), o.staleResponses(),
                    o.changes()));
        }
        return md.toString();
    }
}
