package dev.cachesync.faults;

import dev.cachesync.demo.orders.CachesyncOrderService;
import dev.cachesync.demo.orders.ProductRead;
import dev.cachesync.demo.stack.CatalogAdmin;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What runs while faults are injected: one writer changing prices through the catalog API (every acknowledged
 * version goes to the oracle) and every order-service instance reading random products, each read judged.
 */
final class Workload implements AutoCloseable {
    private final List<String> products;
    private final CatalogAdmin admin;
    private final StalenessOracle oracle;
    private final FaultTally tally;
    private final List<ScheduledExecutorService> executors = new ArrayList<>();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    private volatile String writeError = "";

    Workload(List<String> products, CatalogAdmin admin, StalenessOracle oracle, FaultTally tally) {
        this.products = List.copyOf(products);
        this.admin = admin;
        this.oracle = oracle;
        this.tally = tally;
    }

    /**
     * @param writeEveryMillis the writer's pace (one price change per interval)
     * @param readEveryMillis  each reader's pace
     */
    void start(long seed, List<CachesyncOrderService> readers, long writeEveryMillis, long readEveryMillis) {
        Random writes = new Random(seed);
        ScheduledExecutorService writer = executor("fault-writer");
        writer.scheduleAtFixedRate(() -> write(writes), 0, writeEveryMillis, TimeUnit.MILLISECONDS);
        for (CachesyncOrderService reader : readers) {
            ScheduledExecutorService executor = executor("fault-reader-" + reader.name());
            executor.scheduleAtFixedRate(() -> read(reader), 0, readEveryMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void write(Random random) {
        String product = products.get(random.nextInt(products.size()));
        long price = 500 + random.nextInt(49_500);
        try {
            CatalogAdmin.Acknowledged ack = admin.changePrice(product, price);
            oracle.acknowledged(product, ack.version(), ack.ackNanos());
            writes.incrementAndGet();
        } catch (RuntimeException e) {
            // Not acknowledged: the oracle does not expect it (if it committed anyway, reads of it are "fresh").
            failedWrites.incrementAndGet();
            writeError = e.toString();
        }
    }

    private void read(CachesyncOrderService reader) {
        String product = products.get(ThreadLocalRandom.current().nextInt(products.size()));
        try {
            ProductRead read = reader.read(product);
            tally.read(reader.name() + " (" + read.source() + ")", product, read.version(),
                    oracle.judge(product, read.version(), read.startedNanos()));
        } catch (RuntimeException e) {
            tally.failedRead();
        }
    }

    long writes() {
        return writes.get();
    }

    long failedWrites() {
        return failedWrites.get();
    }

    String lastWriteError() {
        return writeError;
    }

    /** Stops writing and reading; returns once no write or read is in flight. */
    @Override
    public void close() {
        executors.forEach(ScheduledExecutorService::shutdown);
        for (ScheduledExecutorService executor : executors) {
            try {
                if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ScheduledExecutorService executor(String name) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
        executors.add(executor);
        return executor;
    }
}
