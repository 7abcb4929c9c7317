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
        assertThat(firstRound).containsExactlyInAnyOrder(Fault.values());
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
