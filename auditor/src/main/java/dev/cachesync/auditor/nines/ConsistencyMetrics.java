package dev.cachesync.auditor.nines;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * The auditor's meters, as Prometheus shows them:
 * {@code cachesync_consistency_checks_total{result="consistent"|"stale"}}, {@code cachesync_consistency_nines}
 * (over the window), {@code cachesync_consistency_window_checks{result}} (what the nines are computed from),
 * {@code cachesync_auditor_events_total{outcome}} and {@code cachesync_auditor_unreadable_entries_total}.
 */
public final class ConsistencyMetrics {
    private static final String CHECKS_HELP = "Cached entries tagged with a changed product, checked after the grace:"
            + " consistent (showing that change or a later one) or stale (the product as it was before)";
    private final Counter consistent;
    private final Counter stale;
    private final Counter unreadable;
    private final MeterRegistry registry;
    private final CheckWindow window;

    public ConsistencyMetrics(MeterRegistry registry, CheckWindow window, Duration windowLength) {
        this.registry = registry;
        this.window = window;
        this.consistent = Counter.builder("cachesync.consistency.checks").tag("result", "consistent")
                .description(CHECKS_HELP)
                .register(registry);
        this.stale = Counter.builder("cachesync.consistency.checks").tag("result", "stale")
                .description(CHECKS_HELP)
                .register(registry);
        this.unreadable = Counter.builder("cachesync.auditor.unreadable.entries")
                .description("Entries tagged with a changed product whose version could not be read (not counted as checks)")
                .register(registry);
        Gauge.builder("cachesync.consistency.nines", window, w -> w.counts().nines())
                .description("-log10(stale / checks) over the last " + windowLength.toSeconds()
                        + " s; 0 stale counts as half a stale check; NaN without checks")
                .register(registry);
        Gauge.builder("cachesync.consistency.window.checks", window, w -> w.counts().consistent())
                .tag("result", "consistent").description("Checks within the nines window, by result")
                .register(registry);
        Gauge.builder("cachesync.consistency.window.checks", window, w -> w.counts().stale())
                .tag("result", "stale").description("Checks within the nines window, by result")
                .register(registry);
        for (String outcome : java.util.List.of("checked", "undecodable", "dropped", "failed")) {
            event(outcome); // every outcome exported from the start, at 0
        }
    }

    public void checked(int consistentEntries, int staleEntries, int unreadableEntries) {
        consistent.increment(consistentEntries);
        stale.increment(staleEntries);
        unreadable.increment(unreadableEntries);
        window.record(consistentEntries, staleEntries);
        event("checked").increment();
    }

    /**
     * An event that was not checked, by why: {@code undecodable} (not a ProductEvent, registry unreachable),
     * {@code dropped} (too many checks waiting), {@code failed} (Redis did not answer the check).
     */
    public Counter event(String outcome) {
        return Counter.builder("cachesync.auditor.events").tag("outcome", outcome)
                .description("Product events taken by the auditor, by outcome: checked, or why not")
                .register(registry);
    }

    /** Every check since the start (the counters), with the nines of all of them. */
    public CheckWindow.Counts totals() {
        return new CheckWindow.Counts((long) consistent.count(), (long) stale.count());
    }

    public CheckWindow window() {
        return window;
    }
}
