package dev.cachesync.cache.store;

import static dev.cachesync.cache.TestRedis.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.devstack.RedisServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * A fill that read its sequence before Redis lost data is never stored: the purge that fenced it may be gone with
 * the data (docs/protocol.md, "Fill", the data-loss check). Real redis-server, really restarted: empty (no
 * persistence, a new node) and from an older snapshot (a restored backup, a replica that missed writes).
 */
class DataLossFillTest {

    static RedisServer redis;
    static RedissonClient redisson;
    String prefix;
    CacheStore store;
    TagPurger purger;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        redisson = TestRedis.client(redis);
    }

    @AfterAll
    static void stop() {
        redisson.shutdown();
        redis.close();
    }

    @BeforeEach
    void store() {
        prefix = TestRedis.uniquePrefix("loss");
        store = new CacheStore(redisson, prefix, new CacheStore.Options(false, 1, Duration.ofSeconds(5)));
        purger = TagPurger.create(redisson, prefix);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    long future() {
        return System.currentTimeMillis() + 60_000;
    }

    @Test
    void aFillThatBeganBeforeRedisRestartedEmptyIsRefused() {
        long t0 = store.sequence();                      // fill step 1, then the origin answers v1...
        purger.purgeTags(List.of("product:1"));          // ...v2 is committed and its purge acknowledged...
        restart(false);                                  // ...and Redis comes back empty: the fence is gone

        assertThat(store.fill("/p/1", entry("v1", t0, "product:1"), future()))
                .as("the old content is not stored on the emptied Redis")
                .isEqualTo(CacheStore.FillOutcome.DISCARDED_AFTER_DATA_LOSS);
        assertThat(store.readRaw("/p/1")).isNull();

        long fresh = store.sequence();                   // a fill that begins after the restart
        assertThat(store.fill("/p/1", entry("v2", fresh, "product:1"), future()))
                .isEqualTo(CacheStore.FillOutcome.STORED);
        assertThat(store.fill("/p/2", entry("old", t0, "product:2"), future()))
                .as("the new dataset's epoch does not let an older fill in either")
                .isEqualTo(CacheStore.FillOutcome.DISCARDED_AFTER_DATA_LOSS);
    }

    @Test
    void aFillHoldingTheLockAcrossAnEmptyRestartIsRefusedAndEndsItsLock() {
        long t0 = store.tryLockAndReadSequence("/p/3", "filler", Duration.ofSeconds(5));
        purger.purgeTags(List.of("product:3"));
        restart(false);
        // another instance takes the (lost) lock and begins its own fill on the new dataset first
        long other = store.tryLockAndReadSequence("/p/3", "other", Duration.ofSeconds(5));
        assertThat(other).isGreaterThan(t0);

        assertThat(store.fill("/p/3", entry("v1", t0, "product:3"), future(),
                new CacheStore.FillLock("filler", Duration.ofSeconds(1))))
                .isEqualTo(CacheStore.FillOutcome.DISCARDED_AFTER_DATA_LOSS);
        assertThat(store.fill("/p/3", entry("v2", other, "product:3"), future(),
                new CacheStore.FillLock("other", Duration.ofSeconds(1))))
                .isEqualTo(CacheStore.FillOutcome.STORED);
        assertThat(new String(store.readRaw("/p/3").variants().get(0).body())).isEqualTo("v2");
    }

    @Test
    void aFillThatBeganAfterTheSnapshotRedisWasRestoredFromIsRefused() {
        store.fill("/p/4", entry("v0", store.sequence(), "product:4"), future());
        redis.save();                                    // the backup
        purger.purgeTags(List.of("product:0"));          // later writes the backup misses...
        long t0 = store.sequence();                      // ...a fill begins and the origin answers v1...
        purger.purgeTags(List.of("product:5"));          // ...v2's purge is acknowledged...
        restart(true);                                   // ...and Redis is restored from the backup

        assertThat(store.fill("/p/5", entry("v1", t0, "product:5"), future()))
                .as("the restored sequence is below the fill's: the purge that fenced it may be lost")
                .isEqualTo(CacheStore.FillOutcome.DISCARDED_AFTER_DATA_LOSS);
        assertThat(store.readRaw("/p/5")).isNull();
        assertThat(store.fill("/p/5", entry("v2", store.sequence(), "product:5"), future()))
                .isEqualTo(CacheStore.FillOutcome.STORED);
    }

    @Test
    void fillsOfOneDatasetAreNotRefused() {
        long t0 = store.sequence();
        purger.purgeTags(List.of("product:other"));
        assertThat(store.fill("/p/6", entry("v1", t0, "product:6"), future()))
                .as("a purge of other tags since the fill began refuses nothing")
                .isEqualTo(CacheStore.FillOutcome.STORED);
        purger.purgeTags(List.of("product:6"));
        assertThat(store.fill("/p/6", entry("v1 again", t0, "product:6"), future()))
                .as("a purge of its tag still fences it, as before")
                .isEqualTo(CacheStore.FillOutcome.DISCARDED_BY_FENCE);
    }

    /** SIGKILL and restart: from the last {@code SAVE} when {@code fromSnapshot}, otherwise empty. */
    private void restart(boolean fromSnapshot) {
        redis.kill();
        if (!fromSnapshot) {
            redis.deleteData();
        }
        redis.restart();
        // Redisson reconnects on its own; wait until this client's commands reach the new server
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            redisson.getBucket(prefix + "probe").isExists();
            return true;
        });
    }
}
