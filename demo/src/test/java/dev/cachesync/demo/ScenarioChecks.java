package dev.cachesync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.demo.scenarios.HitMissScenario;
import dev.cachesync.demo.scenarios.StampedeScenario;
import dev.cachesync.demo.scenarios.UpdateScenario;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each of the guide's scenarios promises, whatever stack the demo ran on: the standard one
 * ({@link DemoScenariosTest}) and the scaled-out one ({@link ScaledOutDemoScenariosTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ScenarioChecks {

    Path out;
    DemoRun run;
    DemoRun.Results results;

    /** The demo on this test's stack, writing to {@code out}; run once before the tests, closed after them. */
    abstract DemoRun demo(Path out) throws Exception;

    @BeforeAll
    void runTheDemo(@TempDir Path tempDir) throws Exception {
        out = tempDir;
        long started = System.nanoTime();
        run = demo(out);
        results = run.execute();
        System.out.printf(java.util.Locale.ROOT, "%s: stack and scenarios took %.1f s%n", getClass().getSimpleName(),
                (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    DemoRun.Results results() {
        return results;
    }

    @Test
    void firstReadMissesThenHitsLocallyAndOnAnotherInstanceFromRedis() {
        HitMissScenario.Result r = results().hitMiss();
        assertThat(r.first().read().source()).isEqualTo("ORIGIN");
        assertThat(r.second().read().source()).isEqualTo("LOCAL");
        assertThat(r.otherInstance().read().source()).isEqualTo("REDIS");
        assertThat(r.otherInstance().instance()).isNotEqualTo(r.first().instance());
        assertThat(r.catalogCalls()).isEqualTo(1);
        assertThat(r.second().read().version()).isEqualTo(r.first().read().version());
    }

    @Test
    void anUpdateIsPurgedAndEveryInstanceThenReadsTheFreshProduct() {
        UpdateScenario.Result r = results().update();
        assertThat(r.before()).hasSize(DemoOptions.SCENARIO_INSTANCES)
                .allMatch(read -> read.read().version() == r.update().version() - 1);
        assertThat(r.applied().record().getTags()).contains("product:" + r.productId());
        assertThat(r.applied().record().getKeysPurged()).isGreaterThanOrEqualTo(1);
        assertThat(r.after()).hasSize(DemoOptions.SCENARIO_INSTANCES);
        assertThat(r.freshEverywhere()).isTrue();
        assertThat(r.missedEveryNearCache()).isTrue();
        assertThat(r.catalogCallsAfter()).isEqualTo(1);
    }

    @Test
    void theAuditorCheckedTheCachedEntriesOfEveryChangeAndFoundNoneStale() {
        // the update scenario's change at least: its product is cached again when its grace ends
        assertThat(results().audit().checks()).isPositive();
        assertThat(results().audit().stale()).isZero();
    }

    @Test
    void tenConcurrentOrdersAfterAPurgeCostOneCatalogRequest() {
        StampedeScenario.Result r = results().stampede();
        assertThat(r.purgedEntries()).isEqualTo(1);
        assertThat(r.reads()).hasSize(10).extracting(read -> read.instance()).doesNotHaveDuplicates();
        assertThat(r.catalogCalls()).isEqualTo(1);
        assertThat(r.hits()).isEqualTo(9);
        assertThat(r.reads()).allMatch(read -> read.read().status() == 200);
    }
}
