package dev.cachesync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.demo.simulation.RunResult;
import dev.cachesync.demo.stack.DemoStack;
import dev.cachesync.demo.stack.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The demo, in a small configuration, on the JVM's devstack (real Kafka, Redis, registry; the real catalog
 * service, invalidator and cache client): the outcomes the guide's tests promise ({@link ScenarioChecks}), and the
 * comparison's verdict.
 */
class DemoScenariosTest extends ScenarioChecks {

    @Override
    DemoRun demo(Path out) {
        DemoOptions small = new DemoOptions(240, 3, 4, 40, 5, 5, Duration.ofSeconds(6), Duration.ofMillis(1000),
                Duration.ofMillis(5), 2, 86_400, Duration.ofSeconds(1), 1.0, 7, out, false, false, Topology.STANDARD);
        return new DemoRun(small, DemoStack.Infrastructure.SHARED,
                "demo-test-" + UUID.randomUUID().toString().substring(0, 8) + ":", "DemoScenariosTest", System.out);
    }

    @Test
    void cachesyncServesNoStaleReadsAndHitsMoreOftenThanPerInstanceCaches() throws Exception {
        RunResult baseline = results.comparison().baseline();
        RunResult cachesync = results.comparison().cachesync();
        assertThat(baseline.reads()).isEqualTo(720);
        assertThat(cachesync.reads()).isEqualTo(720);
        assertThat(baseline.errors()).isZero();
        assertThat(cachesync.errors()).isZero();
        assertThat(cachesync.updates()).isEqualTo(baseline.updates()).isPositive();
        assertThat(cachesync.staleReads()).isZero();
        assertThat(cachesync.hitRate()).isGreaterThan(baseline.hitRate());
        assertThat(cachesync.catalogCalls()).isLessThan(baseline.catalogCalls());
        assertThat(cachesync.invalidations().count()).isPositive();
        // The catalog's s-maxage outlives the day (its max-age, 2 s, does not): cachesync, a shared cache, keeps
        // every product until a change purges it, so it never revalidates and misses only after a purge.
        assertThat(cachesync.sources()).doesNotContainKeys("REVALIDATED", "STALE");
        assertThat(cachesync.hitRate()).isGreaterThanOrEqualTo(0.95);
        assertThat(cachesync.catalogCalls()).isLessThanOrEqualTo(2L * cachesync.updates());

        Path table = results.comparison().file();
        assertThat(table).isEqualTo(out.resolve("comparison.md"));
        assertThat(Files.readString(table)).contains("| Cache hit rate |", "| Stale reads", "CPUs (nproc)");
    }
}
