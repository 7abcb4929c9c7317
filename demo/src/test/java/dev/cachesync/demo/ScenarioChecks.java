package dev.cachesync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.demo.scenarios.HitMissScenario;
import dev.cachesync.demo.scenarios.StampedeScenario;
import dev.cachesync.demo.scenarios.UpdateScenario;
import org.junit.jupiter.api.Test;

/**
 * What each of the guide's scenarios promises, whatever stack the demo ran on: the standard one
 * ({@link DemoScenariosTest}) and the scaled-out one ({@link ScaledOutDemoScenariosTest}).
 */
abstract class ScenarioChecks {

    /** The demo's results; the subclass ran it before the tests. */
    abstract DemoRun.Results results();

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
    void tenConcurrentOrdersAfterAPurgeCostOneCatalogRequest() {
        StampedeScenario.Result r = results().stampede();
        assertThat(r.purgedEntries()).isEqualTo(1);
        assertThat(r.reads()).hasSize(10).extracting(read -> read.instance()).doesNotHaveDuplicates();
        assertThat(r.catalogCalls()).isEqualTo(1);
        assertThat(r.hits()).isEqualTo(9);
        assertThat(r.reads()).allMatch(read -> read.read().status() == 200);
    }
}
