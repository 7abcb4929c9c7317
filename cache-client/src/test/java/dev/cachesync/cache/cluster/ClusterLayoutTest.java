package dev.cachesync.cache.cluster;

import static dev.cachesync.cache.TestRedis.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.purge.PurgeResult;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.cache.store.CacheEntry;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.cache.store.Segments;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.RedisCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The segmented layout on a real Redis Cluster (devstack: 3 primaries, 3 replicas). */
class ClusterLayoutTest {

    static RedisCluster cluster;
    static RedissonClient instanceA;
    static RedissonClient instanceB;
    String prefix;
    CacheStore storeA;
    CacheStore storeB;
    TagPurger purger;

    @BeforeAll
    static void connect() {
        cluster = DevStack.redisCluster();
        instanceA = TestRedis.client(cluster);
        instanceB = TestRedis.client(cluster);
    }

    @AfterAll
    static void disconnect() {
        instanceA.shutdown();
        instanceB.shutdown();
    }

    @BeforeEach
    void stores() {
        prefix = TestRedis.uniquePrefix("cluster");
        var options = new CacheStore.Options(true, 1000, Duration.ofSeconds(5));
        storeA = new CacheStore(instanceA, prefix, options);
        storeB = new CacheStore(instanceB, prefix, options);
        purger = TagPurger.create(instanceA, prefix);
    }

    @AfterEach
    void closeStores() {
        storeA.close();
        storeB.close();
    }

    static long future() {
        return System.currentTimeMillis() + 60_000;
    }

    /** Keys of {@code count} distinct segments, one each: "/p/<n>" for the first n that lands in a new one. */
    List<String> keysInDistinctSegments(int count) {
        List<String> keys = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int n = 0; keys.size() < count; n++) {
            if (seen.add(storeA.segments().indexOf("/p/" + n))) {
                keys.add("/p/" + n);
            }
        }
        return keys;
    }

    @Test
    void theClientsConfigurationChoosesTheSegmentedLayoutAndItsSegmentsLandOnEveryPrimary() {
        assertThat(storeA.segments().clustered()).isTrue();
        assertThat(storeA.segments().count()).isEqualTo(Segments.DEFAULT_CLUSTER_SEGMENTS);
        Map<Integer, Integer> segmentsPerPrimary = new HashMap<>();
        for (KeyLayout segment : storeA.segments().all()) {
            int slot = Integer.parseInt(RedisCluster.command(cluster.nodes().get(0).port(), "CLUSTER", "KEYSLOT",
                    segment.entries()).substring(1));
            assertThat(slot).as("Redis computes the slot we computed").isEqualTo(Segments.slot(segment.entries()));
            segmentsPerPrimary.merge(cluster.primaryForSlot(slot).port(), 1, Integer::sum);
        }
        assertThat(segmentsPerPrimary).hasSize(3).allSatisfy((port, count) -> assertThat(count).isEqualTo(4));
    }

    @Test
    void aStoreWithAnotherSegmentCountThanTheCacheWasLaidOutWithIsRefused() {
        // storeA recorded "segments=12" under this prefix; an instance deployed with 8 would miss every purge
        var eightSegments = new CacheStore.Options(true, 1000, Duration.ofSeconds(5), CacheStore.DEFAULT_MAX_ENTRY_LIFETIME,
                CacheStore.DEFAULT_NEAR_CACHE_LEASE, 8);
        assertThatThrownBy(() -> new CacheStore(instanceB, prefix, eightSegments))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("segments=12").hasMessageContaining("segments=8")
                .hasMessageContaining("REDIS_CLUSTER_SEGMENTS");
        assertThatThrownBy(() -> TagPurger.create(instanceB, prefix, new SimpleMeterRegistry(), 8)).isInstanceOf(IllegalStateException.class);
        // the same count is accepted, and another prefix is another cache
        new CacheStore(instanceB, prefix, new CacheStore.Options(false, 1000, Duration.ofSeconds(5))).close();
        new CacheStore(instanceB, TestRedis.uniquePrefix("cluster"), eightSegments).close();
        assertThat(instanceA.<String>getBucket(storeA.layout().layoutRecord(), StringCodec.INSTANCE).get())
                .isEqualTo("segments=12");
    }

    @Test
    void aTagPurgeIsExactAcrossEverySegmentAndLeavesNoTagSetBehind() {
        List<String> keys = keysInDistinctSegments(12);
        for (String key : keys) {
            assertThat(storeA.fill(key, entry("v1", storeA.sequence(key), "product:all", "other:" + key), future()))
                    .isEqualTo(CacheStore.FillOutcome.STORED);
        }
        storeA.fill("/kept", entry("kept", storeA.sequence("/kept"), "product:allx"), future());

        PurgeResult result = purger.purgeTags(List.of("product:all"));

        assertThat(result.entriesRemoved()).isEqualTo(12);
        assertThat(result.targetedKeys()).containsExactlyInAnyOrderElementsOf(keys);
        for (String key : keys) {
            assertThat(storeB.read(key)).as(key).isNull();
        }
        assertThat(storeB.read("/kept")).isNotNull();
        for (KeyLayout segment : storeA.segments().all()) {
            assertThat(instanceA.getSet(segment.tagSet("product:all"), StringCodec.INSTANCE).isExists()).isFalse();
            assertThat(instanceA.<String, String>getMap(segment.fences(), StringCodec.INSTANCE).get("product:all"))
                    .as("the tag is fenced in every segment").isNotNull();
        }
    }

    @Test
    void aFillThatStartedBeforeAPurgeIsDiscardedInItsSegmentAndAKeyPurgeFencesToo() {
        for (String key : keysInDistinctSegments(4)) {
            long t0 = storeA.sequence(key);   // fill step 1, then the origin is asked...
            purger.purgeTags(List.of("product:x"));
            assertThat(storeA.fill(key, entry("old", t0, "product:x"), future()))
                    .isEqualTo(CacheStore.FillOutcome.DISCARDED_BY_FENCE);
            assertThat(storeA.readRaw(key)).isNull();

            long t1 = storeA.sequence(key);
            purger.purgeKeys(List.of(key));
            assertThat(storeA.fill(key, entry("old", t1, "product:y"), future()))
                    .isEqualTo(CacheStore.FillOutcome.DISCARDED_BY_FENCE);
            assertThat(storeA.fill(key, entry("new", storeA.sequence(key), "product:x"), future()))
                    .isEqualTo(CacheStore.FillOutcome.STORED);
            assertThat(storeB.read(key)).isNotNull();
        }
    }

    @Test
    void aPurgeDropsEveryInstancesNearCopiesOnEverySegment() {
        List<String> keys = keysInDistinctSegments(6);
        for (String key : keys) {
            storeA.fill(key, entry("v1", storeA.sequence(key), "near"), future());
            TestRedis.readIntoNearCache(storeB, key);
        }
        purger.purgeTags(List.of("near"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String key : keys) {
                assertThat(storeB.readLocal(key)).as(key).isNull();
            }
        });
        // and another instance's fill that replaces an entry drops the near copy too
        String key = keys.get(0);
        storeA.fill(key, entry("v2", storeA.sequence(key), "near"), future());
        TestRedis.readIntoNearCache(storeB, key);
        storeA.fill(key, entry("v3", storeA.sequence(key), "near"), future());
        await().atMost(Duration.ofSeconds(5)).until(() -> storeB.readLocal(key) == null);
        assertThat(new String(storeB.read(key).variants().get(0).body())).isEqualTo("v3");
    }

    @Test
    void aPurgeIsAcknowledgedOnlyWhenEverySegmentDidItsPart() {
        List<String> keys = keysInDistinctSegments(12);
        for (String key : keys) {
            storeA.fill(key, entry("v1", storeA.sequence(key), "broken"), future());
        }
        // one segment (on one primary) cannot do its part: its tag set is not a set any more
        KeyLayout failing = storeA.segments().of(keys.get(5));
        instanceA.getKeys().rename(failing.tagSet("broken"), failing.tagSet("broken") + "-aside");
        instanceA.getBucket(failing.tagSet("broken"), StringCodec.INSTANCE).set("not a set");

        assertThatThrownBy(() -> purger.purgeTags(List.of("broken"))).as("not acknowledged")
                .isInstanceOf(RuntimeException.class);
        String other = keys.get(0);
        assertThat(storeA.readRaw(other)).as("no segment removed anything before every segment read its sets")
                .isNotNull();
        assertThat(storeB.read(other)).as("but its raised fence refuses the entry already").isNull();

        instanceA.getBucket(failing.tagSet("broken")).delete();
        instanceA.getKeys().rename(failing.tagSet("broken") + "-aside", failing.tagSet("broken"));
        PurgeResult retried = purger.purgeTags(List.of("broken"));
        assertThat(retried.targetedKeys()).contains(keys.get(5));
        for (String key : keys) {
            assertThat(storeA.readRaw(key)).as(key).isNull();
        }
    }

    @Test
    void eachSegmentHasItsOwnEpochAndOnlyTheSegmentThatLostDataRefusesFillsBegunBefore() {
        List<String> keys = keysInDistinctSegments(2);
        String lossy = keys.get(0);
        String intact = keys.get(1);
        long lossyT0 = storeA.sequence(lossy);
        long intactT0 = storeA.sequence(intact);
        KeyLayout lossySegment = storeA.segments().of(lossy);
        assertThat(instanceA.getBucket(lossySegment.epoch(), StringCodec.INSTANCE).isExists()).isTrue();
        // that segment's primary lost its data (as after a restart without persistence): epoch and fences gone
        instanceA.getKeys().delete(lossySegment.epoch(), lossySegment.fences());
        storeA.sequence(lossy); // a later fill's step 1 begins a new epoch there

        assertThat(storeA.fill(lossy, entry("old", lossyT0, "product:e"), future()))
                .isEqualTo(CacheStore.FillOutcome.DISCARDED_AFTER_DATA_LOSS);
        assertThat(storeA.fill(intact, entry("v", intactT0, "product:e"), future()))
                .isEqualTo(CacheStore.FillOutcome.STORED);
        assertThat(storeA.fill(lossy, entry("new", storeA.sequence(lossy), "product:e"), future()))
                .isEqualTo(CacheStore.FillOutcome.STORED);
        assertThat(storeA.fill(intact, entry("v", storeA.sequence(lossy), "product:e"), future()))
                .as("a sequence of another segment is no fill sequence here").isNotEqualTo(CacheStore.FillOutcome.STORED);
    }

    @Test
    void appliedOffsetsAreRecordedInEverySegmentAndOneSegmentsLossIsReported() {
        assertThat(purger.recordApplied("events-0", 10, -1)).isEqualTo(-1);
        assertThat(purger.recordApplied("events-0", 12, 10)).isEqualTo(10);
        assertThat(purger.appliedOffsets()).isEqualTo(Map.of("events-0", 12L));
        // one segment's primary lost writes (a failover to a lagging replica)
        KeyLayout lossy = storeA.segments().all().get(7);
        instanceA.getMap(lossy.appliedOffsets(), StringCodec.INSTANCE).put("events-0", "5");
        assertThat(purger.appliedOffsets()).isEqualTo(Map.of("events-0", 5L));
        assertThat(purger.recordApplied("events-0", 20, 12)).as("held less than recorded: a loss").isEqualTo(5);
    }

    @Test
    void expirySweepAndTheCacheManagerSeeEverySegment() {
        List<String> keys = keysInDistinctSegments(5);
        for (String key : keys) {
            storeA.fill(key, entry("old", storeA.sequence(key), "gone"), System.currentTimeMillis() - 1);
        }
        storeA.fill("/live", entry("live", storeA.sequence("/live"), "live"), future());
        var manager = dev.cachesync.cache.manager.CacheManager.create(instanceB, prefix);
        assertThat(manager.stats().entries()).isEqualTo(6);
        assertThat(manager.entriesByTag("gone")).hasSize(5);
        // what the auditor checks: the served entries of a tag, from every segment's set of it
        for (String key : keys) {
            storeA.fill(key + "/shared", entry("shared", storeA.sequence(key + "/shared"), "audited"), future());
        }
        assertThat(manager.servedByTag("audited")).extracting(e -> e.key())
                .containsExactlyInAnyOrderElementsOf(keys.stream().map(k -> k + "/shared").toList());
        assertThat(keys.stream().map(k -> storeA.segments().indexOf(k + "/shared")).distinct().count())
                .as("spread over several segments").isGreaterThan(1);
        purger.purgeTags(Set.of("audited"));

        assertThat(storeA.sweepExpired(System.currentTimeMillis(), 100)).isEqualTo(5);

        assertThat(manager.stats().entries()).isEqualTo(1);
        assertThat(manager.entries("/").map(v -> v.key()).toList()).containsExactly("/live");
        CacheEntry live = storeB.read("/live");
        assertThat(live).isNotNull();
    }
}
