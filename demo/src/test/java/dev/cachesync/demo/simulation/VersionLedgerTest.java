package dev.cachesync.demo.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.demo.simulation.VersionLedger.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionLedgerTest {
    private static final long MS = 1_000_000L;
    private final VersionLedger ledger = new VersionLedger(1000 * MS);

    @Test
    void theLatestKnownVersionIsFresh() {
        ledger.known(Map.of("p", 3L));
        assertThat(ledger.judge("p", 3, 5_000 * MS).verdict()).isEqualTo(Verdict.FRESH);
        assertThat(ledger.judge("unknown", 1, 5_000 * MS).verdict()).isEqualTo(Verdict.FRESH);
    }

    @Test
    void anOldVersionIsStaleOnlyOnceTheNewOneWasAcknowledgedLongerThanTheBoundAgo() {
        ledger.known(Map.of("p", 1L));
        ledger.acknowledged("p", 2, 10_000 * MS);
        // read started before the change was acknowledged: the old version was still the truth
        assertThat(ledger.judge("p", 1, 9_999 * MS).verdict()).isEqualTo(Verdict.FRESH);
        // acknowledged 400 ms before the read: the change may still be in flight
        VersionLedger.Judgement recent = ledger.judge("p", 1, 10_400 * MS);
        assertThat(recent.verdict()).isEqualTo(Verdict.RECENTLY_SUPERSEDED);
        assertThat(recent.ageNanos()).isEqualTo(400 * MS);
        // acknowledged 1.5 s before the read: stale
        VersionLedger.Judgement stale = ledger.judge("p", 1, 11_500 * MS);
        assertThat(stale.verdict()).isEqualTo(Verdict.STALE);
        assertThat(stale.ageNanos()).isEqualTo(1_500 * MS);
        assertThat(ledger.judge("p", 2, 11_500 * MS).verdict()).isEqualTo(Verdict.FRESH);
    }

    @Test
    void ageCountsFromTheOldestNewerVersion() {
        ledger.known(Map.of("p", 1L));
        ledger.acknowledged("p", 2, 10_000 * MS);
        ledger.acknowledged("p", 3, 12_000 * MS);
        VersionLedger.Judgement j = ledger.judge("p", 1, 12_500 * MS);
        assertThat(j.verdict()).isEqualTo(Verdict.STALE);
        assertThat(j.ageNanos()).isEqualTo(2_500 * MS);
        // version 2 is superseded by 3 only 500 ms before the read
        assertThat(ledger.judge("p", 2, 12_500 * MS).verdict()).isEqualTo(Verdict.RECENTLY_SUPERSEDED);
    }
}
