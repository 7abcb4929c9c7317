package dev.cachesync.faults;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CI's short run of the fault suite on the cluster layout (issue 12 item 4): the shared cache on a Redis Cluster
 * (3 primaries, 3 replicas) and only the faults whose effect depends on the layout, each once: a primary's SIGKILL
 * (its replica promoted while purges wait for a replica's acknowledgement; the node back as a replica), CLIENT PAUSE
 * of one primary, and the poison commands (the WRONGTYPE one lands on one segment of a purge that runs on all).
 * The broker, invalidator and registry faults act on the same code on both layouts and run in
 * {@link FaultSuiteTest}'s CI profile; {@code -Dtest=FaultSuiteTest -Dfaults.redis=cluster} runs all of them on
 * the cluster, {@code -Dfaults.minutes=N} for longer. Same oracle and asserts as {@link FaultSuiteTest}; the report
 * goes to {@code target/faults-cluster.md}.
 */
class ClusterFaultSuiteTest {
    static final List<Fault> LAYOUT_FAULTS = List.of(Fault.REDIS_PRIMARY_KILL, Fault.REDIS_PRIMARY_PAUSE,
            Fault.POISON_COMMAND);

    @Test
    void onARedisClusterNoInvalidationIsLostThroughAPrimarysFailoverOrPause() throws Exception {
        long seed = FaultSuiteTest.seed();
        FaultSuiteTest.run(RedisLayout.CLUSTER, LAYOUT_FAULTS, 0, seed,
                FaultSuiteTest.command("ClusterFaultSuiteTest", RedisLayout.CLUSTER, 0, seed));
    }
}
