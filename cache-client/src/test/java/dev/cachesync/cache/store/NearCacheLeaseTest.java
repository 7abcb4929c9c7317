package dev.cachesync.cache.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachesync.cache.client.CachingHttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lease arithmetic on a clock the test moves: when the near cache may serve, and when it must clear. */
class NearCacheLeaseTest {

    static final long MS = 1_000_000L;

    final AtomicLong clock = new AtomicLong(1_000 * MS);
    final NearCacheLease lease = new NearCacheLease(Duration.ofSeconds(1), clock::get);
    final List<String> events = new ArrayList<>();

    void advance(long millis) {
        clock.addAndGet(millis * MS);
    }

    /** Records a clear and whether the near cache could serve while it ran (it must not). */
    final Runnable clear = () -> events.add("clear while held=" + lease.held());

    @Test
    void notHeldUntilTheFirstProbeReturnsThenHeldUntilItsSendTimePlusTheLease() {
        assertThat(lease.held()).isFalse();
        long sent = lease.now();
        advance(3);
        assertThat(lease.probeReturned(sent, clear)).as("the first lease needs no clear").isFalse();
        assertThat(events).isEmpty();
        assertThat(lease.held()).isTrue();

        advance(996);
        assertThat(lease.checkLapse()).isFalse();
        assertThat(lease.held()).as("sent + 999 ms").isTrue();
        assertThat(lease.nanosLeft()).isEqualTo(MS);
        advance(1);
        assertThat(lease.held()).as("the flag only changes when checked: the hot path is one volatile read").isTrue();
        assertThat(lease.checkLapse()).isTrue();
        assertThat(lease.held()).as("sent + 1 s: measured from the send, not the return").isFalse();
        assertThat(lease.regained()).isZero();
    }

    @Test
    void eachReturnedProbeExtendsTheLeaseFromItsSendTime() {
        lease.probeReturned(lease.now(), clear);
        for (int i = 0; i < 10; i++) {
            advance(250);
            long sent = lease.now();
            advance(2);
            lease.probeReturned(sent, clear);
            advance(-2);
            assertThat(lease.checkLapse()).isFalse();
        }
        assertThat(events).as("no lapse, no clear").isEmpty();
        assertThat(lease.lost()).isZero();
        advance(999);
        lease.checkLapse();
        assertThat(lease.held()).isTrue();
        advance(1);
        lease.checkLapse();
        assertThat(lease.held()).as("the last probe's send + 1 s").isFalse();
    }

    @Test
    void aProbeReturningAfterALapseClearsBeforeTheNearCacheServesAgainAndIsCountedOnce() {
        lease.probeReturned(lease.now(), clear);
        advance(1_000);
        assertThat(lease.checkLapse()).isTrue();
        assertThat(lease.checkLapse()).as("one lapse counts once").isFalse();
        assertThat(lease.lost()).isEqualTo(1);

        advance(5_000);
        long sent = lease.now();
        advance(10);
        assertThat(lease.probeReturned(sent, clear)).isTrue();

        assertThat(events).containsExactly("clear while held=false");
        assertThat(lease.held()).isTrue();
        assertThat(lease.regained()).isEqualTo(1);
        assertThat(lease.lost()).isEqualTo(1);
    }

    @Test
    void aLapseNoTickSawIsStillCountedWhenTheLeaseIsRegained() {
        lease.probeReturned(lease.now(), clear);
        advance(1_500);
        long sent = lease.now();
        lease.probeReturned(sent, clear);

        assertThat(events).as("nothing served while it clears").containsExactly("clear while held=false");
        assertThat(lease.lost()).isEqualTo(1);
        assertThat(lease.regained()).isEqualTo(1);
    }

    @Test
    void aProbeTooOldToGiveAnyLeaseNeitherRenewsNorClears() {
        lease.probeReturned(lease.now(), clear);
        long sentLongAgo = lease.now();
        advance(1_200); // e.g. held in a stalled connection's buffer

        lease.checkLapse();
        assertThat(lease.probeReturned(sentLongAgo, clear)).isFalse();
        assertThat(lease.held()).isFalse();
        assertThat(events).isEmpty();
        assertThat(lease.regained()).isZero();
    }

    @Test
    void anOlderProbeNeverShortensTheLease() {
        long older = lease.now();
        advance(100);
        long newer = lease.now();
        lease.probeReturned(newer, clear);
        lease.probeReturned(older, clear);

        advance(950);
        lease.checkLapse();
        assertThat(lease.held()).as("still newer + 1 s").isTrue();
    }

    @Test
    void theProbeIntervalIsAQuarterOfTheLease() {
        assertThat(NearCacheLease.probeInterval(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aLeaseThatIsNotPositiveIsRefusedWithTheOptionsName() {
        assertThatThrownBy(() -> new CacheStore.Options(true, 10, Duration.ofSeconds(1), Duration.ofHours(1),
                Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nearCacheLease");
        assertThatThrownBy(() -> CachingHttpClient.builder().nearCacheLease(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nearCacheLease");
        assertThat(new CacheStore.Options(true, 10, Duration.ofSeconds(1)).nearCacheLease())
                .isEqualTo(Duration.ofSeconds(1));
    }
}
