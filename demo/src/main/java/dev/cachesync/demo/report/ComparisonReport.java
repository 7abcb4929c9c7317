package dev.cachesync.demo.report;

import dev.cachesync.demo.DemoOptions;
import dev.cachesync.demo.simulation.Percentiles;
import dev.cachesync.demo.simulation.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The guide's "Performance Comparison", measured: a Markdown table for the console and for comparison.md. */
public final class ComparisonReport {
    private final DemoOptions options;
    private final RunResult baseline;
    private final RunResult cachesync;
    private final String command;

    public ComparisonReport(DemoOptions options, RunResult baseline, RunResult cachesync, String command) {
        this.options = options;
        this.baseline = baseline;
        this.cachesync = cachesync;
        this.command = command;
    }

    /** The table alone (Markdown, readable as plain text). */
    public List<String> table() {
        long boundMs = options.staleBound().toMillis();
        List<String> rows = new ArrayList<>();
        rows.add("| Metric | In-memory cache (per instance) | cachesync (near cache + Redis + invalidator) |");
        rows.add("|---|---:|---:|");
        row(rows, "Orders / product reads", r -> String.format(Locale.ROOT, "%,d / %,d", r.orders(), r.reads()));
        row(rows, "Cache hit rate", r -> percent(r.hitRate()));
        row(rows, "Catalog API calls", r -> String.format(Locale.ROOT, "%,d", r.catalogCalls()));
        row(rows, "Average read latency", r -> millis(r.averageMillis()));
        row(rows, "p50 read latency", r -> millis(r.p50Millis()));
        row(rows, "p99 read latency", r -> millis(r.p99Millis()));
        row(rows, "Stale reads (newer version acknowledged > " + bound(boundMs) + " before the read)",
                r -> String.format(Locale.ROOT, "%,d", r.staleReads()));
        row(rows, "Reads of a version superseded < " + bound(boundMs) + " before (change in flight)",
                r -> String.format(Locale.ROOT, "%,d", r.recentlySuperseded()));
        row(rows, "Oldest superseded answer served", r -> r.worstAgeNanos() == 0 ? "none"
                : millis(r.worstAgeNanos() / 1e6));
        row(rows, "Price changes through the catalog API", r -> Integer.toString(r.updates()));
        row(rows, "Read errors", r -> Integer.toString(r.errors()));
        row(rows, "Answered by (median latency)", r -> sources(r.sources(), r.sourceP50Nanos()));
        row(rows, "Slowest 1 % of reads (at or above p99), answered by", r -> tail(r.tailSources()));
        RunResult.Invalidations purges = cachesync.invalidations();
        rows.add("| Invalidation lag p50 / p99 / max (commit -> purged) | n/a (no invalidation) | "
                + lags(purges.lagMillis()) + " |");
        rows.add("| Cache entries removed per purge (avg) | n/a | " + (purges.count() == 0 ? "-"
                : String.format(Locale.ROOT, "%.1f", purges.averageEntriesPurged())) + " |");
        return rows;
    }

    /** The whole results file: settings, table, definitions, machine. */
    public List<String> markdown(MachineInfo machine) {
        List<String> md = new ArrayList<>();
        md.add("# cachesync demo: in-memory cache vs cachesync, measured");
        md.add("");
        md.add("Command: `" + command + "`  ");
        md.add("Run at: " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        md.add("");
        md.add("Stack: " + options.topology().describe() + ".");
        md.add("");
        md.add(settings());
        md.add("");
        md.addAll(table());
        md.add("");
        for (String note : notes()) {
            md.add(note);
            md.add("");
        }
        md.addAll(definitions());
        md.add("");
        md.add("Machine:");
        md.add("");
        md.addAll(machine.markdownLines());
        md.add("");
        return md;
    }

    public String settings() {
        return String.format(Locale.ROOT, "Simulated day: %,d orders x %d products (Zipf popularity, s = %.2f) over %,d"
                        + " products (%d categories, %d brands), spread over %d order-service instances and %d s of"
                        + " wall time; a price change through the catalog API every %d ms (%d in all); %d ms added to"
                        + " every catalog API call;"
                        + " catalog Cache-Control max-age = %d s, s-maxage = %d s; both runs start warm (every"
                        + " instance read every product once before the day); workload seed %d (both runs replay the"
                        + " same orders and changes).",
                options.orders(), options.productsPerOrder(), options.zipfExponent(), options.products(),
                options.categories(), options.brands(), options.instances(), options.runDuration().toSeconds(),
                options.updateEvery().toMillis(),
                baseline.updates(), options.originLatency().toMillis(), options.maxAgeSeconds(), options.sMaxAgeSeconds(),
                options.seed());
    }

    /**
     * What the reader should know when purges remove many entries per change: otherwise the table invites the
     * wrong conclusion about cachesync's hit rate.
     */
    public List<String> notes() {
        RunResult.Invalidations purges = cachesync.invalidations();
        if (purges.count() == 0 || purges.averageEntriesPurged() < 2) {
            return List.of();
        }
        return List.of(String.format(Locale.ROOT, "Note: each product change removed %.1f cache entries on average,"
                + " not one. A change event purges its product and the category: and brand: listing tags of its old"
                + " and new state; when product responses also carry those listing tags (check the catalog's"
                + " Cache-Tags), one price change empties the cache of every product in the same category and brand."
                + " With %d categories and %d brands that is most of cachesync's misses; run with --categories %d"
                + " --brands 0 to see the figures when a change purges only its own product.",
                purges.averageEntriesPurged(), options.categories(), options.brands(), options.products()));
    }

    public List<String> definitions() {
        String bound = bound(options.staleBound().toMillis());
        return List.of(
                "Definitions:",
                "",
                "- Cache hit: a read answered from a cache without waiting on the catalog API (in-memory map; or"
                        + " cachesync's near cache, Redis, or a stale-while-revalidate answer).",
                "- Catalog API calls: requests that reached the catalog, counted by the delaying proxy in front of it"
                        + " (revalidations included).",
                "- Stale read: the read started at time t and returned product version v, while the catalog API had"
                        + " acknowledged (returned 2xx for) a change to a version newer than v before t - " + bound
                        + ". A newer version acknowledged within " + bound + " before t counts as \"change in"
                        + " flight\" instead: it is still travelling through the outbox, Kafka and the invalidator.",
                "- Baseline: each instance keeps responses in its own map for their max-age and is never told of"
                        + " changes (the guide's \"current implementation\"); it ignores s-maxage, which without"
                        + " invalidation would serve old prices for that long.",
                "- cachesync: each instance has its own Redisson client and near cache over the shared Redis; as a"
                        + " shared cache it keeps responses for their s-maxage (capped by maxEntryLifetime, 24 h by"
                        + " default), and the invalidator purges tags on every product event.",
                "- Latency is measured around each read in the order service; time is compressed (a day in "
                        + options.runDuration().toSeconds() + " s), so max-age is scaled down with it.");
    }

    /** Writes {@code comparison.md} under the output directory; returns its path. */
    public Path write(Path dir, MachineInfo machine) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("comparison.md");
        Files.write(file, markdown(machine));
        return file;
    }

    private void row(List<String> rows, String metric, Function<RunResult, String> value) {
        rows.add("| " + metric + " | " + value.apply(baseline) + " | " + value.apply(cachesync) + " |");
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    static String millis(double ms) {
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.2f s", ms / 1000);
        }
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        return String.format(Locale.ROOT, "%.2f ms", ms);
    }

    private static String bound(long ms) {
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    private static String sources(Map<String, Long> sources, Map<String, Long> p50Nanos) {
        List<String> parts = new ArrayList<>();
        sources.forEach((source, n) -> parts.add(label(source) + " " + String.format(Locale.ROOT, "%,d", n)
                + " (" + millis(p50Nanos.getOrDefault(source, 0L) / 1e6) + ")"));
        return String.join(", ", parts);
    }

    private static String tail(Map<String, Long> tail) {
        List<String> parts = new ArrayList<>();
        tail.forEach((source, n) -> parts.add(label(source) + " " + n));
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    private static String label(String source) {
        return switch (source) {
            case "MEMORY" -> "in-memory map";
            case "LOCAL" -> "near cache";
            case "REDIS" -> "Redis";
            case "STALE" -> "stale-while-revalidate";
            case "REVALIDATED" -> "catalog 304";
            case "ORIGIN" -> "catalog";
            default -> source;
        };
    }

    private static String lags(List<Long> lags) {
        if (lags.isEmpty()) {
            return "no purges seen";
        }
        Percentiles p = Percentiles.of(lags);
        return String.format(Locale.ROOT, "%d / %d / %d ms (%d purges)", p.at(50), p.at(99), p.max(), p.count());
    }
}
