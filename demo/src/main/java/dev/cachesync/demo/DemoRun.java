package dev.cachesync.demo;

import dev.cachesync.auditor.nines.CheckWindow;
import dev.cachesync.cache.tags.CatalogTags;
import dev.cachesync.demo.orders.CachesyncOrderService;
import dev.cachesync.demo.orders.InMemoryOrderService;
import dev.cachesync.demo.orders.ProductReader;
import dev.cachesync.demo.report.ComparisonReport;
import dev.cachesync.demo.report.MachineInfo;
import dev.cachesync.demo.scenarios.HitMissScenario;
import dev.cachesync.demo.scenarios.StampedeScenario;
import dev.cachesync.demo.scenarios.UpdateScenario;
import dev.cachesync.demo.simulation.RunResult;
import dev.cachesync.demo.simulation.SimulatedDay;
import dev.cachesync.demo.simulation.Workload;
import dev.cachesync.demo.stack.CatalogSeed;
import dev.cachesync.demo.stack.DemoStack;
import dev.cachesync.schemas.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One run of the demo: start the stack, run the guide's three tests as scenarios, then the measured comparison.
 * Used by {@link Demo} (its own stack) and by the test (the JVM's shared devstack).
 */
public final class DemoRun implements AutoCloseable {

    /**
     * What the demo measured; {@code comparison} is null with --skip-comparison.
     *
     * @param audit what the consistency auditor counted over the run (every change's entries, after its grace)
     */
    public record Results(HitMissScenario.Result hitMiss, UpdateScenario.Result update,
                          StampedeScenario.Result stampede, Comparison comparison, CheckWindow.Counts audit) {
    }

    /** Both runs of the simulated day and where the table was written. */
    public record Comparison(RunResult baseline, RunResult cachesync, ComparisonReport report, Path file) {
    }

    private final DemoOptions options;
    private final DemoStack.Infrastructure infrastructure;
    private final String keyPrefix;
    private final String command;
    private final PrintStream out;
    private final List<CachesyncOrderService> instances = new ArrayList<>();
    private DemoStack stack;
    private boolean closed;

    public DemoRun(DemoOptions options, DemoStack.Infrastructure infrastructure, String keyPrefix, String command,
                   PrintStream out) {
        this.options = options;
        this.infrastructure = infrastructure;
        this.keyPrefix = keyPrefix;
        this.command = command;
        this.out = out;
    }

    public Results execute() throws InterruptedException, IOException {
        out.println("cachesync demo: the Redis cache integration guide's tests, on a real stack, measured");
        out.println();
        out.println("Starting the stack: " + options.topology().describe());
        DemoStack created = new DemoStack(new DemoStack.Settings(infrastructure, keyPrefix, options.products(),
                options.categories(), options.brands(), options.originLatency(), cacheControl(), options.topology()));
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("stopped before the stack started");
            }
            stack = created;
        }
        created.start(this::progress);
        long t0 = System.nanoTime();
        int count = Math.max(DemoOptions.SCENARIO_INSTANCES, options.instances());
        for (int i = 1; i <= count; i++) {
            CachesyncOrderService instance = new CachesyncOrderService("order-" + i, stack.redisSettings(),
                    stack.proxy().uri());
            synchronized (this) {
                if (closed) {
                    instance.close();
                    throw new IllegalStateException("the demo was stopped while starting");
                }
                instances.add(instance);
            }
        }
        warmUp();
        progress(count + " order-service instances", "each with its own Redisson client and near cache",
                Duration.ofNanos(System.nanoTime() - t0));
        out.println();

        HitMissScenario.Result hitMiss = HitMissScenario.run(instances.get(0), instances.get(1), stack.proxy(),
                CatalogSeed.productId(1));
        hitMiss.printTo(out);
        out.println();
        UpdateScenario.Result update = UpdateScenario.run(instances, stack.admin(), stack.watcher(), stack.proxy(),
                CatalogSeed.productId(1));
        update.printTo(out);
        out.println();
        StampedeScenario.Result stampede = StampedeScenario.run(
                instances.subList(0, DemoOptions.SCENARIO_INSTANCES), stack.proxy(), CatalogSeed.productId(2));
        stampede.printTo(out);
        out.println();

        Comparison comparison = options.skipComparison() ? null : compare();
        CheckWindow.Counts audit = printAudit();
        return new Results(hitMiss, update, stampede, comparison, audit);
    }

    private Comparison compare() throws InterruptedException, IOException {
        out.println("4. Performance comparison: a simulated day of orders, run twice   (guide: Performance Comparison)");
        Workload workload = Workload.generate(new Workload.Spec(options.orders(), options.productsPerOrder(),
                options.instances(), CatalogSeed.productIds(options.products()), options.runDuration(),
                options.updateEvery(), options.zipfExponent(), options.seed()));
        out.printf(Locale.ROOT, "   %,d orders, %,d product reads, %d price changes, %d instances, %d s each run%n",
                workload.orders().size(), workload.reads(), workload.updates().size(), options.instances(),
                options.runDuration().toSeconds());

        List<InMemoryOrderService> plain = new ArrayList<>();
        for (int i = 1; i <= options.instances(); i++) {
            plain.add(new InMemoryOrderService("order-" + i, stack.proxy().uri()));
        }
        warm(plain);
        RunResult baseline = SimulatedDay.run(new SimulatedDay.Run("in-memory", plain, workload, stack.admin(),
                stack.proxy(), options.staleBound(), 0,
                progressLine("in-memory cache run")));
        plain.forEach(InMemoryOrderService::close);

        // Clear what the scenarios left (Redis and every near cache), then the same warm start as the baseline's.
        List<String> tags = CatalogSeed.productIds(options.products()).stream().map(CatalogTags::product).toList();
        instances.get(0).client().purger().purgeTags(tags);
        warm(instances.subList(0, options.instances()));
        Instant from = Instant.now();
        RunResult cachesync = SimulatedDay.run(new SimulatedDay.Run("cachesync",
                instances.subList(0, options.instances()), workload, stack.admin(), stack.proxy(),
                options.staleBound(), 1, progressLine("cachesync run")));
        var purges = stack.watcher().appliedBetween(from, Instant.now());
        cachesync = cachesync.withInvalidations(new RunResult.Invalidations(
                purges.stream().map(p -> p.getLagMillis()).toList(),
                purges.stream().map(p -> p.getKeysPurged()).toList()));

        ComparisonReport report = new ComparisonReport(options, baseline, cachesync, command);
        out.println();
        out.println("   " + report.settings());
        out.println();
        report.table().forEach(out::println);
        out.println();
        for (String note : report.notes()) {
            out.println(note);
            out.println();
        }
        report.definitions().forEach(line -> out.println(line.isEmpty() ? "" : line));
        Path file = report.write(options.outputDir(), MachineInfo.current());
        out.println();
        out.println("Table written to " + file.toAbsolutePath());
        return new Comparison(baseline, cachesync, report, file);
    }

    /** What the consistency auditor (auditor/README.md) counted over the whole run. */
    private CheckWindow.Counts printAudit() throws InterruptedException {
        stack.auditor().awaitChecks(Duration.ofSeconds(10)); // the last changes' checks wait for their grace
        var totals = stack.auditor().totals();
        out.println();
        out.printf(Locale.ROOT, "Consistency auditor: %,d cached entries checked 2 s after a change to their product,"
                + " %,d stale (%s nines)%n", totals.checks(), totals.stale(),
                totals.checks() == 0 ? "no checks, no" : String.format(Locale.ROOT, "%.1f", totals.nines()));
        return totals;
    }

    /**
     * One read per instance of a product the scenarios do not use, then its purge: connections are open and the
     * code paths loaded before anything is measured.
     */
    private void warmUp() {
        String product = CatalogSeed.productId(options.products());
        for (CachesyncOrderService instance : instances) {
            instance.read(product);
        }
        new InMemoryOrderService("warm-up", stack.proxy().uri()).read(product);
        instances.get(0).client().purger().purgeTags(List.of(CatalogTags.product(product)));
    }

    /**
     * Both runs start warm, as a service that has been running does: every instance reads every product once
     * before the day starts (not counted). A cold start would add one miss per product to either run; what the
     * comparison is about is what each cache keeps afterwards (max-age for the baseline, s-maxage for cachesync).
     */
    private void warm(List<? extends ProductReader> readers) throws InterruptedException {
        List<String> products = CatalogSeed.productIds(options.products());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (ProductReader reader : readers) {
                done.add(pool.submit(() -> products.forEach(reader::read)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("warming the caches failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The catalog's Cache-Control: a short max-age for private caches (and the per-instance baseline), a long
     * s-maxage for shared caches such as cachesync's, which the invalidator purges on every change; a stale answer
     * may be served while refreshing.
     */
    String cacheControl() {
        return "public, max-age=" + options.maxAgeSeconds() + ", s-maxage=" + options.sMaxAgeSeconds()
                + ", stale-while-revalidate=" + options.maxAgeSeconds() + ", stale-if-error=300";
    }

    /** "   cachesync run: orders placed 25% 50% 75% 100%" on one line. */
    private java.util.function.IntConsumer progressLine(String run) {
        return percent -> {
            if (percent == 25) {
                out.print("   " + run + ": orders placed");
            }
            out.print(" " + percent + "%");
            if (percent == 100) {
                out.println();
            }
            out.flush();
        };
    }

    /**
     * Writes the catalog's write key (minted for this run) to a file readable by its owner only, so that the curl
     * examples can use it without the key appearing on the console or in the log.
     */
    private Path writeAdminKey() {
        Path file = options.outputDir().resolve("catalog-admin.key").toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, stack.catalogAdminKey());
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot write the catalog key to " + file + ": " + e, e);
        }
        return file;
    }

    private void progress(String what, String result, Duration took) {
        out.printf(Locale.ROOT, "  %-44s %s  (%.1f s)%n", what, result, took.toMillis() / 1000.0);
    }

    /** Prints where everything is, and prints each invalidation as it is applied from now on. */
    public void printWhereEverythingIs() {
        String catalog = stack.catalogUri().toString();
        String management = stack.catalogManagementUri().toString();
        String invalidator = stack.invalidatorUri().toString();
        Path keyFile = writeAdminKey();
        out.println();
        out.println("The stack keeps running (Ctrl-C stops everything):");
        out.println("  Catalog API            " + catalog + "products/prod-001");
        out.println("  ... via delaying proxy " + stack.proxy().uri() + "products/prod-001   (what order services call)");
        out.println("  Catalog health/metrics " + management + "health/ready  " + management + "metrics");
        out.println("  Invalidator            " + invalidator + "health/live  " + invalidator + "health/ready  "
                + invalidator + "metrics");
        if (stack.redisCluster() != null) {
            out.println("  Redis Cluster          " + String.join(" ", stack.redisCluster().uris()) + "   (key prefix "
                    + keyPrefix + ", " + stack.redisSettings().clusterSegments() + " segments {" + keyPrefix + "s<i>})");
        } else {
            out.println("  Redis                  " + stack.redis().uri() + "   (key prefix " + keyPrefix + ")");
        }
        out.println("  Kafka                  " + stack.kafkaBootstrapServers() + "   (topics " + Topics.PRODUCT_EVENTS
                + ", " + Topics.INVALIDATIONS_APPLIED + ", " + options.topology().partitions() + " partitions each)");
        for (int i = 1; i < stack.invalidators().size(); i++) {
            out.println("  Invalidator " + (i + 1) + "          http://127.0.0.1:" + stack.invalidators().get(i).httpPort()
                    + "/health/ready");
        }
        out.println("  Schema registry        " + stack.registry().url() + "/subjects");
        out.println();
        out.println("Try:");
        out.println("  curl -i " + catalog + "products/prod-001");
        out.println("  curl -i -X PATCH -H \"Authorization: Bearer $(cat " + keyFile + ")\" "
                + "-H 'Content-Type: application/json' -d '{\"priceCents\": 2999}' " + catalog + "products/prod-001");
        out.println("  curl -s " + catalog + "categories/kitchen/products | head -c 600; echo");
        out.println("  curl -s " + invalidator + "metrics | grep -i invalidat | head -20");
        if (stack.redisCluster() != null) {
            // --scan visits one node; each primary holds a third of the segments
            stack.redisCluster().primaries().forEach(node -> out.println("  redis-cli -p " + node.port()
                    + " --scan --pattern '{" + keyPrefix + "s*'"));
        } else {
            out.println("  redis-cli -p " + stack.redis().port() + " --scan --pattern '" + keyPrefix + "*'");
        }
        out.println();
        out.println("Invalidations applied from now on:");
        stack.watcher().onApplied(purge -> out.printf(Locale.ROOT, "  %s  tags %s, %d entr%s purged, lag %d ms%n",
                purge.getAppliedAt(), purge.getTags(), purge.getKeysPurged(),
                purge.getKeysPurged() == 1 ? "y" : "ies", purge.getLagMillis()));
    }

    /** The running stack (null before {@link #execute()} started it). */
    DemoStack stack() {
        return stack;
    }

    /** The order-service instances (for tests). */
    List<CachesyncOrderService> orderServices() {
        return List.copyOf(instances);
    }

    /** Stops the order services and the stack; safe to call twice and from a shutdown hook. */
    @Override
    public void close() {
        List<CachesyncOrderService> toClose;
        DemoStack toStop;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(instances);
            toStop = stack;
        }
        for (CachesyncOrderService instance : toClose) {
            try {
                instance.close();
            } catch (RuntimeException e) {
                out.println("  stopping " + instance.name() + " failed: " + e);
            }
        }
        if (toStop != null) {
            toStop.close();
        }
    }
}
