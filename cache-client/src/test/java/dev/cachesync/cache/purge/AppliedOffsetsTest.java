package dev.cachesync.cache.purge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.TestRedis;
import dev.cachesync.devstack.DevStack;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The applied-offset record a log-fed purger (the invalidator) keeps in Redis to notice lost purges. */
class AppliedOffsetsTest {

    static RedissonClient redisson;

    @BeforeAll
    static void connect() {
        redisson = TestRedis.client(DevStack.redis());
    }

    @AfterAll
    static void disconnect() {
        redisson.shutdown();
    }

    @Test
    void offsetsOnlyRiseAndALossIsReportedWithoutWriting() {
        String prefix = TestRedis.uniquePrefix("applied");
        TagPurger purger = TagPurger.create(redisson, prefix);

        assertThat(purger.recordApplied("events-0", 10, -1)).isEqualTo(-1);
        assertThat(purger.recordApplied("events-0", 7, 10)).as("an older batch never lowers it").isEqualTo(10);
        assertThat(purger.recordApplied("events-0", 12, 10)).isEqualTo(10);
        assertThat(purger.appliedOffsets()).isEqualTo(Map.of("events-0", 12L));

        // Redis goes back to an older state (as after a restart from an older snapshot)
        redisson.getMap(prefix + "applied", StringCodec.INSTANCE).put("events-0", "5");
        assertThat(purger.recordApplied("events-0", 20, 12)).as("held less than recorded: a loss").isEqualTo(5);
        assertThat(purger.appliedOffsets()).as("nothing written over a loss").isEqualTo(Map.of("events-0", 5L));
    }
}
