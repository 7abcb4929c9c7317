package dev.cachesync.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

    @Test
    void theFirstRoundInjectsEveryFaultTypeOnce() {
        FaultPlan plan = new FaultPlan(7);
        List<Fault> firstRound = new ArrayList<>();
        while (!plan.firstRoundDone()) {
            firstRound.add(plan.next().fault());
        }
        assertThat(firstRound).containsExactlyInAnyOrderElementsOf(Fault.of(RedisLayout.STANDALONE));
    }

    @Test
    void onAClusterThePrimarysKillAndPauseStandInForTheStandaloneRedisFaults() {
        assertThat(Fault.of(RedisLayout.CLUSTER)).containsExactly(Fault.BROKER_RESTART, Fault.INVALIDATOR_KILL,
                Fault.REGISTRY_RESTART, Fault.POISON_COMMAND, Fault.REDIS_PRIMARY_KILL, Fault.REDIS_PRIMARY_PAUSE);
        assertThat(Fault.of(RedisLayout.STANDALONE)).containsExactly(Fault.REDIS_KILL_PERSISTENT,
                Fault.REDIS_KILL_EMPTY, Fault.REDIS_CLIENT_PAUSE, Fault.BROKER_RESTART, Fault.INVALIDATOR_KILL,
                Fault.REGISTRY_RESTART, Fault.POISON_COMMAND);
        FaultPlan plan = new FaultPlan(7, Fault.of(RedisLayout.CLUSTER));
        List<Fault> drawn = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            drawn.add(plan.next().fault());
        }
        assertThat(drawn).doesNotContain(Fault.REDIS_KILL_PERSISTENT,
                Fault.REDIS_KILL_EMPTY, Fault.REDIS_CLIENT_PAUSE).containsAll(Fault.of(RedisLayout.CLUSTER));
    }

    @Test
    void theLayoutIsReadFromTheProperty() {
        assertThat(RedisLayout.of(null)).isEqualTo(RedisLayout.STANDALONE);
        assertThat(RedisLayout.of(" Cluster ")).isEqualTo(RedisLayout.CLUSTER);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RedisLayout.of("sentinel"))
                .hasMessageContaining("faults.redis");
    }

    @Test
    void bothLayoutsReportsShareOneResultsFile() {
        List<String> standalone = List.of("# Fault suite", "", "standalone figures");
        List<String> cluster = List.of(FaultReport.CLUSTER_SECTION, "", "cluster figures");
        List<String> withCluster = FaultReport.merge(standalone, cluster, RedisLayout.CLUSTER);
        assertThat(withCluster).containsExactly("# Fault suite", "", "standalone figures", "",
                FaultReport.CLUSTER_SECTION, "", "cluster figures");
        // a new standalone run keeps the cluster section, a new cluster run replaces it
        assertThat(FaultReport.merge(withCluster, List.of("# Fault suite", "", "new standalone"),
                RedisLayout.STANDALONE)).containsExactly("# Fault suite", "", "new standalone", "",
                FaultReport.CLUSTER_SECTION, "", "cluster figures");
        assertThat(FaultReport.merge(withCluster, List.of(FaultReport.CLUSTER_SECTION, "", "new cluster"),
                RedisLayout.CLUSTER)).containsExactly("# Fault suite", "", "standalone figures", "",
                FaultReport.CLUSTER_SECTION, "", "new cluster");
    }

    @Test
    void theSameSeedGivesTheSameSchedule() {
        FaultPlan a = new FaultPlan(12345);
        FaultPlan b = new FaultPlan(12345);
        for (int i = 0; i < 30; i++) {
            assertThat(a.next()).isEqualTo(b.next());
        }
    }

    @Test
    void differentSeedsGiveDifferentSchedules() {
        FaultPlan a = new FaultPlan(1);
        FaultPlan b = new FaultPlan(2);
        List<FaultPlan.Step> stepsA = new ArrayList<>();
        List<FaultPlan.Step> stepsB = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            stepsA.add(a.next());
            stepsB.add(b.next());
        }
        assertThat(stepsA).isNotEqualTo(stepsB);
    }
}
