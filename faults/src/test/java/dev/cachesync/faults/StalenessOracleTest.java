package dev.cachesync.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StalenessOracleTest {
    private static final long MS = 1_000_000;

    @Test
    void aReadOfTheAcknowledgedVersionOrOfOneAcknowledgedAfterTheReadStartedIsFresh() {
        StalenessOracle oracle = new StalenessOracle();
        oracle.acknowledged("p", 1, 0);
        oracle.acknowledged("p", 2, 100 * MS);

        assertThat(oracle.judge("p", 2, 150 * MS).stale()).isFalse();
        assertThat(oracle.judge("p", 1, 50 * MS).stale()).as("v2 not yet acknowledged").isFalse();
        assertThat(oracle.judge("unknown", 1, 50 * MS).stale()).isFalse();
    }

    @Test
    void stalenessCountsFromTheOldestNewerAcknowledgement() {
        StalenessOracle oracle = new StalenessOracle();
        oracle.acknowledged("p", 1, 0);
        oracle.acknowledged("p", 2, 100 * MS);
        oracle.acknowledged("p", 3, 300 * MS);

        StalenessOracle.Judgement judgement = oracle.judge("p", 1, 1_600 * MS);

        assertThat(judgement.stale()).isTrue();
        assertThat(judgement.stalenessNanos()).isEqualTo(1_500 * MS);
        assertThat(judgement.duringFault()).isFalse();
        assertThat(judgement.afterClearNanos()).as("no fault: the whole age counts").isEqualTo(1_500 * MS);
    }

    @Test
    void aStaleReadWhileAFaultIsActiveIsNotJudgedAgainstTheBound() {
        StalenessOracle oracle = new StalenessOracle();
        oracle.acknowledged("p", 2, 100 * MS);
        StalenessOracle.Window window = oracle.begin(Fault.REDIS_CLIENT_PAUSE, 50 * MS);

        StalenessOracle.Judgement open = oracle.judge("p", 1, 5_000 * MS);
        oracle.clear(window, 6_000 * MS);
        StalenessOracle.Judgement beforeTheClear = oracle.judge("p", 1, 5_500 * MS);

        assertThat(open.duringFault()).isTrue();
        assertThat(beforeTheClear.duringFault()).isTrue();
        assertThat(beforeTheClear.stalenessNanos()).isEqualTo(5_400 * MS);
    }

    @Test
    void afterAFaultClearsTheAgeCountsFromTheClearNotFromTheAcknowledgement() {
        StalenessOracle oracle = new StalenessOracle();
        oracle.acknowledged("p", 2, 100 * MS);
        StalenessOracle.Window window = oracle.begin(Fault.BROKER_RESTART, 500 * MS);
        oracle.clear(window, 4_000 * MS);

        StalenessOracle.Judgement judgement = oracle.judge("p", 1, 4_300 * MS);

        assertThat(judgement.duringFault()).isFalse();
        assertThat(judgement.stalenessNanos()).isEqualTo(4_200 * MS);
        assertThat(judgement.afterClearNanos()).isEqualTo(300 * MS);
        assertThat(judgement.behindClearedFault()).as("acknowledged before the clear (no probe: the clear)").isTrue();
    }

    @Test
    void aVersionAcknowledgedBeforeTheProbeChangesMustNotBeServedOnceTheFaultHasCleared() {
        StalenessOracle oracle = new StalenessOracle();
        oracle.acknowledged("p", 2, 100 * MS);
        oracle.acknowledged("q", 2, 3_000 * MS);
        StalenessOracle.Window window = oracle.begin(Fault.REDIS_KILL_EMPTY, 50 * MS);
        oracle.partBack(window, 1_000 * MS);
        oracle.probing(window, 2_000 * MS);
        oracle.clear(window, 2_500 * MS);

        StalenessOracle.Judgement acknowledgedBefore = oracle.judge("p", 1, 2_600 * MS);
        StalenessOracle.Judgement acknowledgedAfter = oracle.judge("q", 1, 3_400 * MS);

        assertThat(acknowledgedBefore.behindClearedFault()).as("100 ms after the clear, yet behind").isTrue();
        assertThat(acknowledgedBefore.afterClearNanos()).isEqualTo(100 * MS);
        assertThat(acknowledgedAfter.behindClearedFault()).as("on its way: acknowledged after the probes").isFalse();
        assertThat(acknowledgedAfter.afterClearNanos()).isEqualTo(400 * MS);
    }

    @Test
    void aFaultThatClearedBeforeTheAcknowledgementGivesNoAllowance() {
        StalenessOracle oracle = new StalenessOracle();
        StalenessOracle.Window window = oracle.begin(Fault.INVALIDATOR_KILL, 0);
        oracle.clear(window, 50 * MS);
        oracle.acknowledged("p", 2, 100 * MS);

        StalenessOracle.Judgement judgement = oracle.judge("p", 1, 2_100 * MS);
        assertThat(judgement.afterClearNanos()).isEqualTo(2_000 * MS);
        assertThat(judgement.behindClearedFault()).isFalse();
    }

    @Test
    void theTallyCountsOnlyStaleReadsPastTheBoundAfterTheClearAsViolations() {
        FaultTally tally = new FaultTally(1_000 * MS);
        tally.read("r", "p", 1, new StalenessOracle.Judgement(false, 0, false, false, 0));
        tally.read("r", "p", 1, new StalenessOracle.Judgement(true, 5_000 * MS, true, false, -1));
        tally.read("r", "p", 1, new StalenessOracle.Judgement(true, 5_000 * MS, false, true, 200 * MS));
        tally.read("r", "p", 1, new StalenessOracle.Judgement(true, 1_500 * MS, false, false, 1_500 * MS));

        assertThat(tally.reads()).isEqualTo(4);
        assertThat(tally.stale()).isEqualTo(3);
        assertThat(tally.staleDuringFault()).isEqualTo(1);
        assertThat(tally.overBound()).isEqualTo(3);
        assertThat(tally.overBoundAfterClear()).isEqualTo(1);
        assertThat(tally.behindClearedFault()).isEqualTo(1);
        assertThat(tally.behindExamples()).singleElement().asString().contains("200 ms after it cleared");
        assertThat(tally.overBoundExamples()).singleElement().asString().contains("1500 ms after the fault cleared");
        assertThat(tally.stalenessQuantile(0.5)).isEqualTo(5_000 * MS);
        assertThat(tally.stalenessQuantile(1.0)).isEqualTo(5_000 * MS);
        assertThat(tally.stalenessQuantile(0.01)).isEqualTo(1_500 * MS);
        assertThat(tally.nines(1)).isCloseTo(Math.log10(4), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(tally.nines(0)).isInfinite();
    }
}
