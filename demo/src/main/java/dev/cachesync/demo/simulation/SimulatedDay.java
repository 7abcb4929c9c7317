package dev.cachesync.demo.simulation;

import dev.cachesync.demo.orders.ProductRead;
import dev.cachesync.demo.orders.ProductReader;
import dev.cachesync.demo.stack.CatalogAdmin;
import dev.cachesync.demo.stack.DelayingProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Replays a {@link Workload} against a set of order-service instances in real time: orders arrive on schedule
 * (open loop: a slow cache does not slow the arrivals down), price changes go to the catalog API on schedule,
 * every read is timed and judged by the {@link VersionLedger}.
 */
public final class SimulatedDay {

    private SimulatedDay() {
    }

    /**
     * One run of a simulated day.
     *
     * @param priceShiftCents added to every price change, so a second run of the same workload changes prices
     *                        again instead of setting the ones the first run already set
     * @param progress        called with 25, 50, 75 and 100 as that share of the orders has been dispatched
     */
    public record Run(String label, List<? extends ProductReader> instances, Workload workload, CatalogAdmin admin,
                      DelayingProxy proxy, Duration staleBound, long priceShiftCents, IntConsumer progress) {
    }

    public static RunResult run(Run run) throws InterruptedException {
        String label = run.label();
        List<? extends ProductReader> instances = run.instances();
        Workload workload = run.workload();
        CatalogAdmin admin = run.admin();
        DelayingProxy proxy = run.proxy();
        Duration staleBound = run.staleBound();
        IntConsumer progress = run.progress();
        VersionLedger ledger = new VersionLedger(staleBound.toNanos());
        ledger.known(admin.latestVersions());
        ConcurrentLinkedQueue<ProductRead> reads = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<VersionLedger.Judgement> judgements = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger updatesDone = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(Math.min(64, Math.max(8, instances.size() * 4)));
        long callsBefore = proxy.requests();
        long start = System.nanoTime() + 50_000_000L;

        Thread updater = new Thread(() -> {
            for (Workload.Update update : workload.updates()) {
                if (!waitUntil(start + update.atNanos())) {
                    return;
                }
                try {
                    CatalogAdmin.Acknowledged ack = admin.changePrice(update.productId(),
                            update.priceCents() + run.priceShiftCents());
                    ledger.acknowledged(ack.productId(), ack.version(), ack.ackNanos());
                    updatesDone.incrementAndGet();
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                }
            }
        }, "demo-catalog-updates");
        updater.start();

        int dispatched = 0;
        int nextReport = 25;
        for (Workload.Order order : workload.orders()) {
            if (!waitUntil(start + order.atNanos())) {
                break;
            }
            ProductReader instance = instances.get(order.instance() % instances.size());
            workers.execute(() -> {
                for (String productId : order.productIds()) {
                    try {
                        ProductRead read = instance.read(productId);
                        reads.add(read);
                        judgements.add(ledger.judge(productId, read.version(), read.startedNanos()));
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                }
            });
            dispatched++;
            while (dispatched * 100L >= (long) nextReport * workload.orders().size() && nextReport <= 100) {
                progress.accept(nextReport);
                nextReport += 25;
            }
        }
        workers.shutdown();
        if (!workers.awaitTermination(2, TimeUnit.MINUTES)) {
            workers.shutdownNow();
        }
        updater.join();
        Duration wall = Duration.ofNanos(System.nanoTime() - start);

        long hits = 0;
        long[] latencies = new long[reads.size()];
        Map<String, Long> sources = new TreeMap<>();
        Map<String, List<Long>> bySource = new TreeMap<>();
        int i = 0;
        for (ProductRead read : reads) {
            latencies[i++] = read.latencyNanos();
            if (read.cacheHit()) {
                hits++;
            }
            sources.merge(read.source(), 1L, Long::sum);
            bySource.computeIfAbsent(read.source(), s -> new ArrayList<>()).add(read.latencyNanos());
        }
        Map<String, Long> sourceP50 = new TreeMap<>();
        bySource.forEach((source, values) -> sourceP50.put(source, Percentiles.of(values).at(50)));
        Percentiles all = new Percentiles(latencies);
        long p99 = all.at(99);
        Map<String, Long> tail = new TreeMap<>();
        for (ProductRead read : reads) {
            if (read.latencyNanos() >= p99) {
                tail.merge(read.source(), 1L, Long::sum);
            }
        }
        long stale = 0;
        long recent = 0;
        long worst = 0;
        for (VersionLedger.Judgement j : judgements) {
            switch (j.verdict()) {
                case STALE -> stale++;
                case RECENTLY_SUPERSEDED -> recent++;
                default -> { }
            }
            worst = Math.max(worst, j.ageNanos());
        }
        return new RunResult(label, workload.orders().size(), reads.size(), errors.get(), hits,
                proxy.requests() - callsBefore, all, stale, recent, worst, sources, sourceP50, tail,
                updatesDone.get(), wall, RunResult.Invalidations.NONE);
    }

    /** Parks until {@code deadline} (a nanoTime); false if interrupted. */
    private static boolean waitUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left); // the schedule of the simulated day
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }
}
