package dev.cachesync.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachedHttpResponse;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.devstack.DevStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import dev.cachesync.devstack.RedisCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.redisson.api.RedissonClient;

/**
 * The invariant of DESIGN.md: a read that starts after the purge for a change was acknowledged never returns
 * content from before that change (near caches off: zero violations), and near caches catch up within the
 * pub/sub propagation delay (near caches on: staleness measured, a lost invalidation fails the test). On
 * standalone Redis and on a Redis Cluster (the segmented layout), and through a primary's SIGKILL.
 */
class PurgeInvariantTest {

    /** Where the cache lives. */
    enum Topology {
        STANDALONE, CLUSTER;

        RedissonClient connect() {
            return this == STANDALONE ? TestRedis.client(DevStack.redis()) : TestRedis.client(DevStack.redisCluster());
        }
    }

    /** Something done to Redis while the run goes on; the run lasts until it returned. */
    interface Fault {
        Fault NONE = purgesSeen -> { };

        void inject(AtomicLong purgesSeen) throws Exception;
    }

    static final int PRODUCTS = 20;
    static final int INSTANCES = 3;
    static final int READERS_PER_INSTANCE = 2;
    /** The run lasts at least RUN, and longer (up to MAX_RUN) until it has exercised enough hits and purges. */
    static final Duration RUN = Duration.ofSeconds(2);
    static final Duration MAX_RUN = Duration.ofSeconds(20);
    static final int MIN_HITS = 100;
    static final int MIN_PURGES = 20;
    static final long LOST_INVALIDATION_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How much longer a run with a fault may last: a failover, and the killed node's return. */
    static final Duration FAULT_RUN = Duration.ofSeconds(60);

    /** One read: which product, when it ran, which version it saw. */
    record Read(int product, long startNanos, long endNanos, long version, CacheSource source) {
    }

    /** A change: the version it produced and when its purge was acknowledged. */
    record Ack(long version, long ackNanos) {
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void withoutNearCachesNoReadIsStaleAfterThePurgeWasAcknowledged(Topology topology) throws Exception {
        Result result = run(false, topology::connect, Fault.NONE, 0);
        System.out.printf("[invariant] " + topology + " near caches off: %d reads (%d from cache), %d purges, stale reads: %d%n",
                result.reads().size(), result.cacheReads(), result.purges(), result.staleNanos().size());
        assertThat(result.cacheReads()).as("the run must exercise cache hits").isGreaterThan(MIN_HITS);
        assertThat(result.purges()).isGreaterThan(MIN_PURGES);
        assertThat(result.staleNanos()).as("stale reads after a purge was acknowledged").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Topology.class)
    void withNearCachesStalenessIsBoundedByInvalidationPropagation(Topology topology) throws Exception {
        Result result = run(true, topology::connect, Fault.NONE, 0);
        List<Long> staleness = new ArrayList<>(result.staleNanos());
        Collections.sort(staleness);
        System.out.printf("[invariant] " + topology + " near caches on: %d reads (%d local), %d purges, stale reads: %d, "
                        + "staleness p50=%.3f ms p99=%.3f ms max=%.3f ms%n",
                result.reads().size(), result.localReads(), result.purges(), staleness.size(),
                percentileMillis(staleness, 0.50), percentileMillis(staleness, 0.99),
                percentileMillis(staleness, 1.0));
        assertThat(result.localReads()).as("the run must exercise near-cache hits").isGreaterThan(MIN_HITS);
        assertThat(result.purges()).isGreaterThan(MIN_PURGES);
        assertThat(staleness).as("staleness beyond 1 s is a lost invalidation")
                .allMatch(n -> n <= LOST_INVALIDATION_NANOS);
    }

    /**
     * A primary of a Redis Cluster SIGKILLed while readers read and purges go on: its replica is promoted, no
     * reader gets an error (what Redis cannot answer goes to the origin), no purge is lost and no read is stale
     * after a purge's acknowledgement. A purge is acknowledged once every segment's primary has passed it to a
     * replica (WAIT, as the invalidator does with {@code INVALIDATOR_REDIS_WAIT_REPLICAS=1}): without that, a
     * failover may lose the last acknowledged purge (Redis replicates asynchronously). The killed node comes back
     * as a replica, so the WAIT of its shard can be met again.
     */
    @Test
    void aPrimaryKilledWhileReadersReadLosesNoPurgeAndNoReaderSeesAnError() throws Exception {
        try (RedisCluster cluster = RedisCluster.start()) {
            java.util.concurrent.atomic.AtomicInteger killedPort = new java.util.concurrent.atomic.AtomicInteger();
            Fault killAPrimary = purgesSeen -> {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> purgesSeen.get() >= 10);
                RedisCluster.Node primary = cluster.primaries().get(0);
                killedPort.set(primary.port());
                cluster.kill(primary);
                cluster.awaitHealthy();   // its replica took over its slots
                cluster.restart(primary);
                cluster.awaitHealthy();   // and it is back, as a replica
            };
            Result result = run(false, () -> TestRedis.client(cluster), killAPrimary, 1);
            System.out.printf("[invariant] CLUSTER failover, near caches off: %d reads (%d from cache), %d purges "
                            + "(%d attempts failed during the failover), stale reads: %d%n", result.reads().size(),
                    result.cacheReads(), result.purges(), result.purgeFailures(), result.staleNanos().size());
            assertThat(cluster.primaries()).hasSize(3).noneMatch(node -> node.port() == killedPort.get());
            assertThat(result.purges()).isGreaterThan(MIN_PURGES);
            assertThat(result.cacheReads()).isGreaterThan(MIN_HITS);
            assertThat(result.staleNanos()).as("stale reads after a purge was acknowledged").isEmpty();
        }
    }

    record Result(List<Read> reads, long cacheReads, long localReads, int purges, List<Long> staleNanos,
                  long purgeFailures) {
    }

    /**
     * @param waitReplicas a purge is acknowledged only once this many replicas of every segment's primary hold
     *                     it (0: when the primaries answered)
     */
    Result run(boolean nearCache, java.util.function.Supplier<RedissonClient> connect, Fault fault, int waitReplicas)
            throws Exception {
        String prefix = TestRedis.uniquePrefix("invariant");
        AtomicLong[] versions = new AtomicLong[PRODUCTS];
        Map<Integer, List<Ack>> acks = new ConcurrentHashMap<>();
        for (int i = 0; i < PRODUCTS; i++) {
            versions[i] = new AtomicLong(1);
            acks.put(i, new CopyOnWriteArrayList<>(List.of(new Ack(1, Long.MIN_VALUE))));
        }
        List<RedissonClient> redissons = new ArrayList<>();
        List<CachingHttpClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        try (TestOrigin origin = TestOrigin.start()) {
            for (int i = 0; i < PRODUCTS; i++) {
                int id = i;
                origin.route("/products/" + id, r -> Reply.ok(id + ":" + versions[id].get(),
                        "Cache-Control", "max-age=600", "Cache-Tags", "product:" + id));
            }
            for (int i = 0; i <= INSTANCES; i++) {
                redissons.add(connect.get());
            }
            for (int i = 0; i < INSTANCES; i++) {
                clients.add(CachingHttpClient.builder().redisson(redissons.get(i)).keyPrefix(prefix)
                        .origin(origin.uri()).nearCache(nearCache).sweepInterval(Duration.ZERO)
                        .redisTimeout(Duration.ofSeconds(2)).fillLockWait(Duration.ofMillis(200)).build());
            }
            // the invalidator's role: its own Redis connection
            TagPurger purger = TagPurger.create(redissons.get(INSTANCES), prefix);
            // a loaded machine makes fewer reads in RUN: go on until the run has what the assertions need
            AtomicLong hitsSeen = new AtomicLong();
            AtomicLong purgesSeen = new AtomicLong();
            AtomicLong purgeFailures = new AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean faultDone = new java.util.concurrent.atomic.AtomicBoolean();
            AtomicLong purgesAfterFault = new AtomicLong();
            long minEnd = System.nanoTime() + RUN.toNanos();
            long maxEnd = System.nanoTime() + MAX_RUN.toNanos() + (fault == Fault.NONE ? 0 : FAULT_RUN.toNanos());
            BooleanSupplier running = () -> {
                long now = System.nanoTime();
                return now < minEnd || (now < maxEnd && (hitsSeen.get() <= MIN_HITS || purgesSeen.get() <= MIN_PURGES
                        || !faultDone.get() || purgesAfterFault.get() < 10));
            };
            Future<?> faulting = pool.submit(() -> {
                try {
                    fault.inject(purgesSeen);
                } finally {
                    faultDone.set(true);
                }
                return null;
            });

            List<Future<Integer>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    int purges = 0;
                    while (running.getAsBoolean()) {
                        // each writer owns half of the products, so versions and acks stay in order per product
                        int id = writer + 2 * ThreadLocalRandom.current().nextInt(PRODUCTS / 2);
                        long version = versions[id].incrementAndGet();          // the change at the origin
                        while (true) {
                            try {
                                purger.purgeTags(List.of("product:" + id));    // the invalidator's purge
                                if (waitReplicas > 0) {
                                    purger.recordApplied("invariant-" + writer, purges, -1, waitReplicas,
                                            Duration.ofSeconds(2));
                                }
                                break;
                            } catch (RuntimeException e) {
                                // not acknowledged (Redis failing over): the invalidator retries it as a whole
                                purgeFailures.incrementAndGet();
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // back-off
                            }
                        }
                        acks.get(id).add(new Ack(version, System.nanoTime())); // acknowledged
                        purges++;
                        purgesSeen.incrementAndGet();
                        if (faultDone.get()) {
                            purgesAfterFault.incrementAndGet();
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(30)); // pacing, not synchronisation
                    }
                    return purges;
                }));
            }
            List<Future<List<Read>>> readers = new ArrayList<>();
            for (CachingHttpClient client : clients) {
                for (int r = 0; r < READERS_PER_INSTANCE; r++) {
                    readers.add(pool.submit(() -> {
                        List<Read> reads = new ArrayList<>();
                        while (running.getAsBoolean()) {
                            int id = ThreadLocalRandom.current().nextInt(PRODUCTS);
                            long start = System.nanoTime();
                            CachedHttpResponse response = client.get("/products/" + id);
                            long end = System.nanoTime();
                            String body = response.bodyAsString();
                            long version = Long.parseLong(body.substring(body.indexOf(':') + 1));
                            reads.add(new Read(id, start, end, version, response.source()));
                            if (nearCache ? response.source() == CacheSource.LOCAL : response.source() != CacheSource.ORIGIN) {
                                hitsSeen.incrementAndGet();
                            }
                        }
                        return reads;
                    }));
                }
            }
            long waitSeconds = MAX_RUN.toSeconds() + FAULT_RUN.toSeconds() + 30;
            faulting.get(waitSeconds, TimeUnit.SECONDS);
            int purges = 0;
            for (Future<Integer> w : writers) {
                purges += w.get(waitSeconds, TimeUnit.SECONDS);
            }
            List<Read> reads = new ArrayList<>();
            for (Future<List<Read>> r : readers) {
                reads.addAll(r.get(waitSeconds, TimeUnit.SECONDS));
            }
            List<Long> staleNanos = new ArrayList<>();
            for (Read read : reads) {
                // the first change the read missed, if its purge was acknowledged before the read started
                for (Ack ack : acks.get(read.product())) {
                    if (ack.version() > read.version() && ack.ackNanos() < read.startNanos()) {
                        staleNanos.add(read.endNanos() - ack.ackNanos());
                        break;
                    }
                }
            }
            for (CacheSource source : CacheSource.values()) {
                var bySource = reads.stream().filter(r -> r.source() == source).toList();
                if (!bySource.isEmpty()) {
                    System.out.printf("[invariant]   %s: %d reads, mean %.2f ms%n", source, bySource.size(),
                            bySource.stream().mapToLong(r -> r.endNanos() - r.startNanos()).average().orElse(0) / 1e6);
                }
            }
            long cacheReads = reads.stream().filter(r -> r.source() != CacheSource.ORIGIN).count();
            long localReads = reads.stream().filter(r -> r.source() == CacheSource.LOCAL).count();
            return new Result(reads, cacheReads, localReads, purges, staleNanos, purgeFailures.get());
        } finally {
            pool.shutdownNow();
            clients.forEach(CachingHttpClient::close);
            redissons.forEach(RedissonClient::shutdown);
        }
    }

    static double percentileMillis(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1_000_000.0;
    }
}
