package dev.cachesync.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results of a fault run as Markdown: what was injected, what the readers got, lost invalidations, nines. */
public final class FaultReport {

    /**
     * @param command            how to run it again
     * @param elapsed            from the first fault to the end of the drain
     * @param writes             price changes the catalog acknowledged
     * @param lostProducts       products whose cached version never reached the catalog's after the drain
     * @param drain              how long it took, after the last fault, until every reader got every latest version
     * @param deadLetters        dead letters by reason
     * @param productEventDeadLetters dead letters of catalog product events (must be 0: those are invalidations)
     * @param machine            lines describing the machine
     * @param layout             the Redis the shared cache ran on
     */
    public record Run(RedisLayout layout, long seed, String profile, String command, Duration elapsed, int products, int readers,
                      long writes, long failedWrites, List<StalenessOracle.Window> windows, FaultTally tally,
                      List<String> lostProducts, Duration drain, Map<String, Long> deadLetters,
                      long productEventDeadLetters, List<String> machine) {
    }

    private FaultReport() {
    }

    /** The heading of the cluster layout's section in the results file; the standalone report is what precedes it. */
    public static final String CLUSTER_SECTION = "## Cluster layout";

    /**
     * The report: a document of its own on standalone Redis ({@code # Fault suite}), the section
     * {@value #CLUSTER_SECTION} on a Redis Cluster (one heading level down), so both fit in one results file
     * ({@link #merge}).
     */
    public static List<String> markdown(Run run) {
        boolean cluster = run.layout() == RedisLayout.CLUSTER;
        String h2 = cluster ? "### " : "## ";
        FaultTally t = run.tally();
        List<String> out = new ArrayList<>();
        out.add(cluster ? CLUSTER_SECTION : "# Fault suite");
        out.add("");
        out.add("`" + run.command() + "` (profile " + run.profile() + ", seed " + run.seed() + "; `-Dfaults.seed="
                + run.seed() + "` replays the schedule). "
                + (cluster ? "The shared cache on a Redis Cluster (3 primaries, 3 replicas; cache-client's segmented "
                + "layout), the invalidator waiting for one replica after each purge; its Redis faults are a "
                + "primary's SIGKILL and CLIENT PAUSE. " : "")
                + run.products() + " products, " + run.readers()
                + " order-service instances reading, one writer changing prices through the catalog API; "
                + fmt(run.elapsed().toMillis() / 1000.0) + " s from the first fault to the end of the drain.");
        out.add("");
        out.add(h2 + "Result");
        out.add("");
        out.add("| figure | value |");
        out.add("|---|---|");
        out.add("| reads | " + t.reads() + " |");
        out.add("| reads that failed | " + t.failedReads() + " |");
        out.add("| writes acknowledged (failed) | " + run.writes() + " (" + run.failedWrites() + ") |");
        out.add("| faults injected | " + run.windows().size() + " |");
        out.add("| **invalidations lost** (must be 0) | **" + run.lostProducts().size() + "** |");
        out.add("| **reads behind a cleared fault** (a version older than one acknowledged before the fault cleared; "
                + "must be 0) | **" + t.behindClearedFault() + "** |");
        out.add("| reads staler than the bound (" + t.boundNanos() / 1_000_000 + " ms) after the fault cleared | "
                + t.overBoundAfterClear() + " |");
        out.add("| stale reads (a newer version was acknowledged before the read) | " + t.stale() + " ("
                + t.staleDuringFault() + " while a fault was active) |");
        out.add("| stale reads after the fault cleared (any age), the oldest | " + t.staleAfterClear() + ", "
                + ms(t.maxAfterClearNanos()) + " |");
        out.add("| stale reads older than the bound, during faults included | " + t.overBound() + " |");
        out.add("| staleness of stale reads p50 / p99 / max | " + ms(t.stalenessQuantile(0.50)) + " / "
                + ms(t.stalenessQuantile(0.99)) + " / " + ms(t.stalenessQuantile(1.0)) + " |");
        out.add("| nines: reads within the bound, faults included, −log10(over bound / reads) | "
                + nines(t.nines(t.overBound()), t.reads()) + " |");
        out.add("| nines: reads not stale at all, −log10(stale / reads) | " + nines(t.nines(t.stale()), t.reads())
                + " |");
        out.add("| drain after the writer stopped (until every reader gets every latest version) | "
                + run.drain().toMillis() + " ms |");
        out.add("| dead letters by reason | " + (run.deadLetters().isEmpty() ? "none" : run.deadLetters()) + " |");
        out.add("| product events dead-lettered (must be 0) | " + run.productEventDeadLetters() + " |");
        out.add("");
        out.add(h2 + "Faults");
        out.add("");
        out.add("| fault | injected | part answers again after p50 / max | invalidations reach every reader again after p50 / max |");
        out.add("|---|---|---|---|");
        Map<Fault, List<Long>> back = new EnumMap<>(Fault.class);
        Map<Fault, List<Long>> cleared = new EnumMap<>(Fault.class);
        for (StalenessOracle.Window w : run.windows()) {
            back.computeIfAbsent(w.fault(), f -> new ArrayList<>()).add(w.partBackNanos() - w.startNanos());
            cleared.computeIfAbsent(w.fault(), f -> new ArrayList<>()).add(w.clearedNanos() - w.startNanos());
        }
        for (Fault fault : Fault.of(run.layout())) {
            List<Long> times = cleared.getOrDefault(fault, List.of());
            out.add("| " + fault.description() + " | " + times.size() + " | "
                    + medianAndMax(back.getOrDefault(fault, List.of())) + " | " + medianAndMax(times) + " |");
        }
        if (!run.lostProducts().isEmpty()) {
            out.add("");
            out.add("Lost: " + run.lostProducts());
        }
        if (!t.behindExamples().isEmpty()) {
            out.add("");
            out.add("Behind a cleared fault (first ones):");
            t.behindExamples().forEach(line -> out.add("- " + line));
        }
        if (!t.overBoundExamples().isEmpty()) {
            out.add("");
            out.add("Over the bound after the fault cleared (first ones):");
            t.overBoundExamples().forEach(line -> out.add("- " + line));
        }
        out.add("");
        out.add(h2 + "Machine");
        out.add("");
        out.addAll(run.machine());
        return out;
    }

    /**
     * The results file with {@code report} in its place: a standalone report replaces everything before
     * {@value #CLUSTER_SECTION}, a cluster report replaces that section (to the end), or is appended.
     */
    public static List<String> merge(List<String> existing, List<String> report, RedisLayout layout) {
        int section = existing.indexOf(CLUSTER_SECTION);
        List<String> standalonePart = section < 0 ? existing : existing.subList(0, section);
        List<String> clusterPart = section < 0 ? List.of() : existing.subList(section, existing.size());
        List<String> merged = new ArrayList<>();
        if (layout == RedisLayout.CLUSTER) {
            merged.addAll(standalonePart);
            while (!merged.isEmpty() && merged.get(merged.size() - 1).isBlank()) {
                merged.remove(merged.size() - 1);
            }
            if (!merged.isEmpty()) {
                merged.add("");
            }
            merged.addAll(report);
        } else {
            merged.addAll(report);
            if (!clusterPart.isEmpty()) {
                merged.add("");
                merged.addAll(clusterPart);
            }
        }
        return merged;
    }

    private static String medianAndMax(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted.length == 0 ? "-" : ms(sorted[(sorted.length - 1) / 2]) + " / " + ms(sorted[sorted.length - 1]);
    }

    private static String ms(long nanos) {
        return fmt(nanos / 1_000_000.0) + " ms";
    }

    private static String nines(double nines, long reads) {
        if (Double.isInfinite(nines)) {
            return "none over; ≥ " + fmt(Math.log10(Math.max(1, reads))) + " (the resolution of " + reads + " reads)";
        }
        return fmt(nines);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
