package dev.cachesync.cache.store;

import static dev.cachesync.cache.TestRedis.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.TwoInstances;
import dev.cachesync.cache.purge.TagPurger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fill whose lock another instance waited for publishes its end, so the waiter looks at once instead of at its
 * next poll (docs/protocol.md, "Fill lock"); a fill nobody waited for publishes nothing new. On real Redis, two
 * instances with near caches (the subscription the wake-up rides on).
 */
class FillEndWakeUpTest extends TwoInstances {

    static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    String prefix;
    CacheStore filler;
    CacheStore waiter;

    @BeforeEach
    void stores() {
        prefix = TestRedis.uniquePrefix("fillend");
        var options = new CacheStore.Options(true, 100, Duration.ofSeconds(5));
        filler = new CacheStore(redisA, prefix, options);
        waiter = new CacheStore(redisB, prefix, options);
    }

    @AfterEach
    void close() {
        filler.close();
        waiter.close();
    }

    static long future() {
        return System.currentTimeMillis() + 60_000;
    }

    @Test
    void aStoredFillThatWasWaitedForWakesItsWaiter() {
        long sequence = filler.tryLockAndReadSequence("/p/1", "filler", Duration.ofSeconds(5));
        assertThat(sequence).isPositive();
        assertThat(waiter.tryLockAndReadSequence("/p/1", "waiter", Duration.ofSeconds(5))).isEqualTo(-1);
        try (CacheStore.FillEndWatch ended = waiter.watchFillEnd("/p/1")) {
            assertThat(waiter.fillLockState("/p/1")).isInstanceOf(CacheStore.FillLockState.Held.class);

            assertThat(filler.fill("/p/1", entry("v1", sequence, "product:1"), future(),
                    new CacheStore.FillLock("filler", Duration.ofSeconds(1)))).isEqualTo(CacheStore.FillOutcome.STORED);

            // a new entry publishes no invalidation of its own: only the waiters flag makes this one come
            await().atMost(Duration.ofSeconds(5)).until(() -> ended.await(WAIT_NANOS));
            assertThat(waiter.fillLockState("/p/1")).isEqualTo(
                    new CacheStore.FillLockState.Ended(CacheStore.FillEnd.STORED));
        }
        assertThat(body(waiter.read("/p/1"))).isEqualTo("v1");
    }

    @Test
    void aFencedFillThatWasWaitedForWakesItsWaiter() {
        long sequence = filler.tryLockAndReadSequence("/p/2", "filler", Duration.ofSeconds(5));
        assertThat(waiter.tryLockAndReadSequence("/p/2", "waiter", Duration.ofSeconds(5))).isEqualTo(-1);
        TagPurger.create(redisA, prefix).purgeTags(List.of("product:2")); // raises the fence: the fill is refused
        try (CacheStore.FillEndWatch ended = waiter.watchFillEnd("/p/2")) {
            assertThat(filler.fill("/p/2", entry("v1", sequence, "product:2"), future(),
                    new CacheStore.FillLock("filler", Duration.ofSeconds(1))))
                    .isEqualTo(CacheStore.FillOutcome.DISCARDED_BY_FENCE);

            await().atMost(Duration.ofSeconds(5)).until(() -> ended.await(WAIT_NANOS));
            assertThat(waiter.fillLockState("/p/2")).isEqualTo(
                    new CacheStore.FillLockState.Ended(CacheStore.FillEnd.FENCED));
        }
    }

    @Test
    void aReleaseWithoutAFillWakesTheWaiter() {
        filler.tryLockAndReadSequence("/p/3", "filler", Duration.ofSeconds(5));
        assertThat(waiter.tryLockAndReadSequence("/p/3", "waiter", Duration.ofSeconds(5))).isEqualTo(-1);
        try (CacheStore.FillEndWatch ended = waiter.watchFillEnd("/p/3")) {
            filler.unlock("/p/3", "filler", CacheStore.FillEnd.UNCACHEABLE, Duration.ofSeconds(1));

            await().atMost(Duration.ofSeconds(5)).until(() -> ended.await(WAIT_NANOS));
            assertThat(waiter.fillLockState("/p/3")).isEqualTo(
                    new CacheStore.FillLockState.Ended(CacheStore.FillEnd.UNCACHEABLE));
        }
    }

    @Test
    void aFillNobodyWaitedForPublishesNothing() {
        long sequence = filler.tryLockAndReadSequence("/p/4", "filler", Duration.ofSeconds(5));
        try (CacheStore.FillEndWatch fillEnd = waiter.watchFillEnd("/p/4");
             CacheStore.FillEndWatch marker = waiter.watchFillEnd("/p/5")) {
            filler.fill("/p/4", entry("v1", sequence, "product:4"), future(),
                    new CacheStore.FillLock("filler", Duration.ofSeconds(1)));
            filler.remove(List.of("/p/5"), List.of()); // publishes after the fill: one channel, in order

            await().atMost(Duration.ofSeconds(5)).until(() -> marker.await(WAIT_NANOS));
            assertThat(fillEnd.await(0)).as("no message for a fill nobody waited for").isFalse();
        }
    }

    private static String body(CacheEntry entry) {
        return entry == null ? null : new String(entry.variants().get(0).body());
    }
}
